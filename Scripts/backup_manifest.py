#!/usr/bin/env python3
"""The manifest of a Tongxin backup, and the checks of a restore (Scripts/backup.sh,
Scripts/restore.sh). Standard library only; talks to PostgreSQL through psql.

  backup_manifest.py write                      (env: DEST, SECRETS, STARTED_AT, ...) writes DEST/manifest.json
  backup_manifest.py export-keys SECRETS FILE   writes the keys (mode 600) to FILE
  backup_manifest.py verify-files SRC           every file's size and sha256 against the manifest
  backup_manifest.py check-keys SRC KEYS        the key fingerprints of KEYS against the manifest
  backup_manifest.py check SRC DB KEYS          (env PG*: the restored cluster) row counts, migrations,
                                                audit chains (recomputed, heads, keyed checkpoints)
"""
import datetime
import gzip
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys

FORMAT = "tongxin-backup/1"
PSQL = "/usr/lib/postgresql/15/bin/psql"
# The keys a backup cannot be read or verified without; never written into a backup.
KEY_VARIABLES = [
    "TONGXIN_PII_KEY", "TONGXIN_PII_HASH_KEY", "TONGXIN_PII_KEY_ID", "TONGXIN_PII_OLD_KEYS",
    "TONGXIN_AUTH_SECRET", "TONGXIN_AUTH_KEY_ID", "TONGXIN_AUDIT_CHECKPOINT_KEY",
]
FINGERPRINTED = ["TONGXIN_PII_KEY", "TONGXIN_PII_HASH_KEY", "TONGXIN_PII_OLD_KEYS",
                 "TONGXIN_AUTH_SECRET", "TONGXIN_AUDIT_CHECKPOINT_KEY"]
TOC_DATA = re.compile(r"^(\d+); \d+ \d+ TABLE DATA (\S+) (\S+) (\S+)")


def read_env_file(path):
    values = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            name, value = line.split("=", 1)
            name = name.removeprefix("export ").strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[name] = value
    return values


def fingerprint(name, value):
    """Identifies a key without revealing it: sha256 over a label, the name and the value."""
    digest = hashlib.sha256(b"tongxin.key-fingerprint.v1\x1f" + name.encode() + b"\x1f" + value.encode())
    return digest.hexdigest()[:16]


def fingerprints(values):
    return {name: fingerprint(name, values[name]) for name in FINGERPRINTED if values.get(name)}


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_rows(path):
    """The rows of one table in a directory-format dump: COPY text lines before `\\.`."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="\n") as f:
        for line in f:
            line = line.rstrip("\n")
            if line == "\\.":
                return
            yield line.split("\t")


def dumped_tables(dump_dir, toc_path):
    """(schema, table, data file) of every TABLE DATA entry of a dump."""
    with open(toc_path, encoding="utf-8") as f:
        for line in f:
            match = TOC_DATA.match(line)
            if not match:
                continue
            dump_id, schema, table = match.group(1), match.group(2), match.group(3)
            for name in (dump_id + ".dat.gz", dump_id + ".dat"):
                if os.path.exists(os.path.join(dump_dir, name)):
                    yield schema, table, os.path.join(dump_dir, name)
                    break
            else:
                yield schema, table, None


def bytea_hex(text):
    # COPY text writes bytea as \\x… (the backslash escaped).
    return text.replace("\\\\", "\\").removeprefix("\\x")


def describe_database(dump_dir, toc_path):
    schemas = {}
    heads = {}
    for schema, table, data in dumped_tables(dump_dir, toc_path):
        entry = schemas.setdefault(schema, {"migrations": [], "tables": {}, "rows": 0})
        rows = list(copy_rows(data)) if data else []
        entry["tables"][table] = len(rows)
        entry["rows"] += len(rows)
        if table == "schema_migrations":
            entry["migrations"] = sorted(int(row[0]) for row in rows)
        if schema == "audit" and table == "heads":
            for chain, seq, digest in rows:
                heads[chain] = {"seq": int(seq), "hash": bytea_hex(digest)}
    return {"schemas": dict(sorted(schemas.items())), "audit_heads": dict(sorted(heads.items()))}


def write_manifest():
    dest = os.environ["DEST"]
    secrets_path = os.path.abspath(os.environ["SECRETS"])
    secrets = read_env_file(secrets_path)
    sizes = dict(item.split("=", 1) for item in os.environ.get("DB_SIZES", "").split(";") if item)
    databases = {}
    for name in sorted(os.listdir(os.path.join(dest, "databases"))):
        path = os.path.join(dest, "databases", name)
        if not os.path.isdir(path):
            continue
        info = describe_database(path, path + ".toc")
        info["size_bytes"] = int(sizes.get(name, 0))
        databases[name] = info
    files = {}
    total = 0
    for root, _, names in os.walk(dest):
        for name in sorted(names):
            path = os.path.join(root, name)
            relative = os.path.relpath(path, dest)
            if relative == "manifest.json":
                continue
            size = os.path.getsize(path)
            total += size
            files[relative] = {"bytes": size, "sha256": sha256_file(path)}
    manifest = {
        "format": FORMAT,
        "method": "pg_dump --format=directory per database + pg_dumpall --globals-only --no-role-passwords",
        "started_at": os.environ["STARTED_AT"],
        "finished_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "milliseconds": int(os.environ.get("MILLISECONDS_TAKEN", "0")),
        "source": os.environ.get("SOURCE", ""),
        "server_version": os.environ.get("SERVER_VERSION", ""),
        "pg_dump_version": os.environ.get("PG_DUMP_VERSION", ""),
        "databases": databases,
        "files": dict(sorted(files.items())),
        "backup_bytes": total,
        "keys": {
            "note": "not in this backup; store them apart. The fingerprints identify them without revealing them.",
            "stored_at": secrets_path,
            "fingerprints": fingerprints(secrets),
        },
    }
    with open(os.path.join(dest, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")


def export_keys(secrets_path, out):
    secrets = read_env_file(secrets_path)
    missing = [name for name in ("TONGXIN_PII_KEY", "TONGXIN_PII_HASH_KEY", "TONGXIN_AUTH_SECRET") if not secrets.get(name)]
    if missing:
        sys.exit(f"export-keys: {secrets_path} lacks {', '.join(missing)}")
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("# Tongxin keys, exported " + datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
                + ". Store apart from the backups; Scripts/restore.sh --keys reads this file.\n")
        for name in KEY_VARIABLES:
            if secrets.get(name):
                f.write(f"{name}={secrets[name]}\n")


def load_manifest(src):
    with open(os.path.join(src, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    if manifest.get("format") != FORMAT:
        sys.exit(f"{src}: not a {FORMAT} backup (format {manifest.get('format')!r})")
    return manifest


def verify_files(src):
    manifest = load_manifest(src)
    bad = []
    for relative, expected in manifest["files"].items():
        path = os.path.join(src, relative)
        if not os.path.exists(path):
            bad.append(f"{relative}: missing")
        elif os.path.getsize(path) != expected["bytes"] or sha256_file(path) != expected["sha256"]:
            bad.append(f"{relative}: size or sha256 differs from the manifest")
    for line in bad:
        print("  " + line, file=sys.stderr)
    if bad:
        sys.exit(f"{len(bad)} of {len(manifest['files'])} files of the backup are damaged or missing")
    print(f"files: {len(manifest['files'])} files, {manifest['backup_bytes']} bytes, sha256 as in the manifest")


def check_keys(src, keys_path):
    manifest = load_manifest(src)
    expected = manifest.get("keys", {}).get("fingerprints", {})
    actual = fingerprints(read_env_file(keys_path)) if keys_path and os.path.exists(keys_path) else {}
    problems = []
    for name, value in expected.items():
        if name not in actual:
            problems.append(f"{name} is missing")
        elif actual[name] != value:
            problems.append(f"{name} is not the key the backup was taken with")
    for line in problems:
        print("  " + line, file=sys.stderr)
    if problems:
        sys.exit(f"the keys in {keys_path or '(none)'} do not match the backup's (manifest: stored at "
                 f"{manifest.get('keys', {}).get('stored_at', '?')})")
    print(f"keys: {len(expected)} fingerprints match")


def psql(db, sql):
    result = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"psql: {result.stderr.strip()}")
    return [line.split("\t") for line in result.stdout.splitlines() if line != ""]


def literal(text):
    return "'" + text.replace("'", "''") + "'"


def ident(text):
    return '"' + text.replace('"', '""') + '"'


def check_database(src, db, keys_path):
    manifest = load_manifest(src)
    expected = manifest["databases"][db]
    problems = []
    tables = 0
    print(f"database {db}:")
    for schema, info in expected["schemas"].items():
        actual_total = 0
        for table, count in info["tables"].items():
            actual = int(psql(db, f"SELECT count(*) FROM {ident(schema)}.{ident(table)}")[0][0])
            actual_total += actual
            tables += 1
            if actual != count:
                problems.append(f"{schema}.{table}: {actual} rows, the backup had {count}")
        if "schema_migrations" in info["tables"]:
            versions = sorted(int(row[0]) for row in psql(db, f"SELECT version FROM {ident(schema)}.schema_migrations"))
            if versions != info["migrations"]:
                problems.append(f"{schema}: migrations {versions}, the backup had {info['migrations']}")
        migrations = f", migrations {','.join(map(str, info['migrations']))}" if info["migrations"] else ""
        print(f"  schema {schema}: {len(info['tables'])} tables, {actual_total} rows (backup {info['rows']}){migrations}")

    has_audit = psql(db, "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                         "WHERE n.nspname = 'audit' AND p.proname = 'chain_state'")[0][0] != "0"
    if has_audit:
        key_hex = read_env_file(keys_path).get("TONGXIN_AUDIT_CHECKPOINT_KEY") if keys_path and os.path.exists(keys_path) else None
        key = bytes.fromhex(key_hex) if key_hex else None
        chains = [row[0] for row in psql(db, "SELECT chain FROM audit.heads UNION SELECT chain FROM audit.entries ORDER BY 1")]
        intact = 0
        checked = 0
        for chain in chains:
            problem_seq, problem, last_seq, last_hash, head_seq, head_hash = psql(
                db, f"SELECT coalesce(problem_seq, 0), coalesce(problem, ''), coalesce(last_seq, 0), "
                    f"coalesce(encode(last_hash, 'hex'), ''), coalesce(head_seq, 0), coalesce(encode(head_hash, 'hex'), '') "
                    f"FROM audit.chain_state({literal(chain)})")[0]
            verdict = None
            if problem:
                verdict = f"ALTERED_OR_MISSING at entry {problem_seq}: {problem}"
            elif (last_seq, last_hash) != (head_seq, head_hash):
                verdict = f"TAIL_TRUNCATED: the chain ends at entry {last_seq}, its head is {head_seq}"
            elif chain in expected["audit_heads"] and (int(head_seq), head_hash) != (
                    expected["audit_heads"][chain]["seq"], expected["audit_heads"][chain]["hash"]):
                verdict = f"HEAD_DIFFERS from the backup's ({expected['audit_heads'][chain]['seq']})"
            elif chain not in expected["audit_heads"]:
                verdict = "UNKNOWN_CHAIN: not in the backup's manifest"
            else:
                for seq, digest, mac, entry_hash in psql(
                        db, f"SELECT seq, encode(hash, 'hex'), encode(mac, 'hex'), coalesce(encode(entry_hash, 'hex'), '') "
                            f"FROM audit.chain_checkpoints({literal(chain)}, 1000000)"):
                    checked += 1
                    if key is not None:
                        message = f"tongxin.audit.checkpoint.v1\x1f{chain}\x1f{int(seq)}\x1f".encode() + bytes.fromhex(digest)
                        if not hmac.compare_digest(hmac.new(key, message, hashlib.sha256).hexdigest(), mac):
                            verdict = f"CHAIN_REWRITTEN: the checkpoint at entry {seq} does not carry a valid MAC"
                            break
                    if int(seq) > int(last_seq):
                        verdict = f"TAIL_TRUNCATED: a checkpoint vouches for entry {seq}"
                        break
                    if entry_hash != digest:
                        verdict = f"CHAIN_REWRITTEN: entry {seq} is not what its checkpoint vouches for"
                        break
            if verdict:
                problems.append(f"audit chain {chain}: {verdict}")
            else:
                intact += 1
        missing = sorted(set(expected["audit_heads"]) - set(chains))
        for chain in missing:
            problems.append(f"audit chain {chain}: missing after the restore")
        how = "MACs verified with TONGXIN_AUDIT_CHECKPOINT_KEY" if key else "MACs NOT verified (no TONGXIN_AUDIT_CHECKPOINT_KEY)"
        print(f"  audit: {intact} of {len(chains)} chains intact (recomputed, heads as in the backup); "
              f"{checked} keyed checkpoints, {how}")
    for line in problems:
        print("  PROBLEM " + line, file=sys.stderr)
    if problems:
        sys.exit(f"database {db}: {len(problems)} problems after the restore")
    print(f"  rows: all {tables} tables hold the row counts of the manifest")


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    command, args = argv[1], argv[2:]
    if command == "write":
        write_manifest()
    elif command == "export-keys" and len(args) == 2:
        export_keys(*args)
    elif command == "verify-files" and len(args) == 1:
        verify_files(*args)
    elif command == "check-keys" and len(args) == 2:
        check_keys(*args)
    elif command == "check" and len(args) == 3:
        check_database(*args)
    elif command == "databases" and len(args) == 1:
        print("\n".join(load_manifest(args[0])["databases"]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
