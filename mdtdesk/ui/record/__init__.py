"""One person's record, its details form, hospital visits and referral."""
