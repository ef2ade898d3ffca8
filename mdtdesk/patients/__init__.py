"""A patient\x27s record: reading it, editing it, referral, drafts."""
