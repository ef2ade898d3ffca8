"""The encrypted practice store: SQLCipher database, key slots, migrations, audit."""
