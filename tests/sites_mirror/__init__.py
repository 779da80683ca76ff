"""A fake copy of each site (listing and article templates) served on 127.0.0.1 for fetch tests."""
