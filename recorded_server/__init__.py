"""The recorded server: an emulator of Adapty's server-side profile endpoint."""
