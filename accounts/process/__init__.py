"""Our KAM Process: the tenant's stages and checklist items (`definition`), and how far each
account follows them (`conformance`, set-based for any number of accounts)."""
