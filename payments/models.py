"""Fees, payments and receipts (DESIGN §4.4) come with the payments issue."""
