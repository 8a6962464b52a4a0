"""Moderation: what the network's staff do to keep exchanges on track, and its log."""
