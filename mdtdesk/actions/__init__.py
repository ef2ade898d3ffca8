"""Named-coordinator actions: tracking with a history of every change, referrals to
services, the worklist, the contact log and each coordinator's load. No Qt here."""
