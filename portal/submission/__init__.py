"""The citizen's side of a dossier: the submission wizard, my dossiers, the vault, public tracking."""
