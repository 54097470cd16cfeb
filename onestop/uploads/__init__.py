"""Citizens' uploads, failing closed (STYLE §7).

- ``validation``: sniff the content with libmagic, cross-check it against an allow-list of
  (MIME type, extension) pairs, cap the size, sanitise the display name → ``validate_upload``.
- ``handlers``: enforce the size limits while the request body is received → ``limit_uploads``.
- ``antivirus``: optional ClamAV (clamd INSTREAM) scan; when enabled, an unreachable scanner rejects.
- ``storage``: store under a random name (local PRIVATE_MEDIA_ROOT or S3) and serve it back safely;
  ``cleanup``: delete orphan files and objects (beat job, ``manage.py storage_cleanup``).

Permission checks live in the views, never here. Import from the submodules (``storage`` needs
the app registry; the others do not).
"""
