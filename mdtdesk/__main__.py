from mdtdesk.cli.main import main

raise SystemExit(main())
