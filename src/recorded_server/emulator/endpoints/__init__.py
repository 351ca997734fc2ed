"""The emulator's routes: the profile endpoint and the ``/_recorded/`` inspection and fault API."""
