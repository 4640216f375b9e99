"""State you can carry: seed files, export/import, and snapshots (`awslocal local ...`).

Where things are (this face imports nothing; the modules never import it):

- seed.py: `awslocal local seed FILE.yaml` and AWSLOCAL_SEED: resources declared in YAML,
  made through the service functions in one transaction, idempotently.
- snapshot.py: `awslocal local snapshot save|restore|list|delete`: consistent copies of
  state.db (SQLite's online backup) kept in the state directory.
- export.py: `awslocal local export` / `local import`: one versioned document of the state,
  its secrets encrypted under a passphrase (state/README.md, "Export format").

These commands are awslocal's own (AWS has nothing like them); formats are in state/README.md.
"""
