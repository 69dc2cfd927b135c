"""Settings: ``base`` (shared), ``local`` (embedded SQLite demo), ``test`` and ``production``."""
