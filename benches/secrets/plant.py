#!/usr/bin/env python3
"""Plant seeded fake secrets of every family into a corpus.

usage: plant.py CORPUS MANIFEST [--seed N]

Every secret is generated here from the provider's documented format with a
seeded RNG (nothing real, nothing committed). Each is inserted into an
existing text file of the corpus (or a new config file), and MANIFEST records
path and line range so that recall can be measured for any scanner.
"""
import json
import os
import random
import string
import sys
import zlib

UP = string.ascii_uppercase
LO = string.ascii_lowercase
DI = string.digits
AN = UP + LO + DI
B64 = AN + "+/"
HEX = "0123456789abcdef"
B32 = UP + "234567"


def main():
    corpus, manifest = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--seed" else 7
    rng = random.Random(seed)

    def r(alpha, n):
        return "".join(rng.choice(alpha) for _ in range(n))

    def b64_lines(n_lines, width=64):
        return [r(B64, width) for _ in range(n_lines)]

    def pem(kind, n=12):
        body = b64_lines(n)
        body[-1] = body[-1][:40] + "=="
        return [f"-----BEGIN {kind}-----", *body, f"-----END {kind}-----"]

    def base62_crc32(data):
        # GitHub's and npm's checksum: CRC32 of the random part, base62,
        # zero-padded to 6 characters. A token without it is not a token.
        digits = string.digits + UP + LO
        n = zlib.crc32(data.encode())
        out = ""
        for _ in range(6):
            out = digits[n % 62] + out
            n //= 62
        return out

    def checksummed(prefix):
        body = r(AN, 30)
        return f"{prefix}_{body}{base62_crc32(body)}"

    def pw():
        sym = "!#$%&*+-.:=?@^_~"
        chars = [rng.choice(LO) for _ in range(5)] + [rng.choice(UP) for _ in range(3)] + \
                [rng.choice(DI) for _ in range(3)] + [rng.choice(sym) for _ in range(3)]
        rng.shuffle(chars)
        return "".join(chars)

    def jwt():
        import base64
        def enc(obj):
            return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")
        head = enc({"alg": "HS256", "typ": "JWT"})
        body = enc({"sub": r(DI, 10), "name": r(LO, 8), "iat": 1700000000 + rng.randrange(10**6)})
        return f"{head}.{body}.{r(AN + '-_', 43)}"

    # (family, kind of file, lines)
    secrets = [
        ("aws-access-key-id", "py", [f'AWS_ACCESS_KEY_ID = "AKIA{r(B32, 16)}"']),
        ("aws-access-key-id", "yaml", [f"aws_access_key_id: ASIA{r(B32, 16)}"]),
        ("aws-secret-access-key", "ini", [f"aws_secret_access_key = {r(B64, 40)}"]),
        ("aws-secret-access-key", "json", [f'  "aws_secret_access_key": "{r(B64, 40)}",']),
        ("github-pat", "sh", [f"export GITHUB_TOKEN={checksummed('ghp')}"]),
        ("github-oauth", "json", [f'  "oauth_token": "{checksummed("gho")}",']),
        ("github-user-to-server", "yaml", [f"token: {checksummed('ghu')}"]),
        ("github-server-to-server", "rs", [f'const T: &str = "{checksummed("ghs")}";']),
        ("github-refresh", "toml", [f'refresh = "{checksummed("ghr")}"']),
        ("github-fine-grained", "env", [f"GH_PAT=github_pat_{r(AN, 22)}_{r(AN, 59)}"]),
        ("gitlab-pat", "yml", [f"  GITLAB_TOKEN: glpat-{r(AN + '-_', 20)}"]),
        ("gitlab-deploy", "sh", [f"git clone https://deploy:gldt-{r(AN, 20)}@gitlab.example.com/app.git"]),
        ("slack-bot-token", "py", [f'SLACK_BOT_TOKEN = "xoxb-{r(DI, 12)}-{r(DI, 13)}-{r(AN, 24)}"']),
        ("slack-user-token", "env", [f"SLACK_TOKEN=xoxp-{r(DI, 12)}-{r(DI, 12)}-{r(DI, 13)}-{r(HEX, 32)}"]),
        ("slack-webhook", "sh", [f"curl -X POST https://hooks.slack.com/services/T{r(UP + DI, 8)}/B{r(UP + DI, 10)}/{r(AN, 24)}"]),
        ("stripe", "js", [f"const stripe = require('stripe')('sk_live_{r(AN, 24)}');"]),
        ("stripe-restricted", "env", [f"STRIPE_KEY=rk_live_{r(AN, 99)}"]),
        ("google-api-key", "js", [f'const apiKey = "AIza{r(AN + "-_", 35)}";']),
        ("google-service-account", "json", [
            "{", '  "type": "service_account",', '  "project_id": "demo",',
            f'  "private_key_id": "{r(HEX, 40)}",',
            '  "private_key": "-----BEGIN PRIVATE KEY-----\\n' + "\\n".join(b64_lines(10)) + '\\n-----END PRIVATE KEY-----\\n",',
            '  "client_email": "svc@demo.iam.gserviceaccount.com"', "}"]),
        ("azure-storage", "json", [f'  "Storage": "DefaultEndpointsProtocol=https;AccountName=acct{r(DI, 4)};AccountKey={r(B64, 86)}==;EndpointSuffix=core.windows.net",']),
        ("azure-servicebus", "config", [f'<add key="Bus" value="Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={r(B64, 43)}=" />']),
        ("azure-sas", "txt", [f"https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&spr=https&sig={r(AN, 43)}%3D"]),
        ("rsa-private-key", "pem", pem("RSA PRIVATE KEY", 20)),
        ("ec-private-key", "key", pem("EC PRIVATE KEY", 3)),
        ("openssh-private-key", "txt", pem("OPENSSH PRIVATE KEY", 6)),
        ("pkcs8-private-key", "pem", pem("PRIVATE KEY", 16)),
        ("encrypted-private-key", "pem", pem("ENCRYPTED PRIVATE KEY", 16)),
        ("pgp-private-key", "asc", ["-----BEGIN PGP PRIVATE KEY BLOCK-----", "", *b64_lines(10), "=" + r(AN, 4), "-----END PGP PRIVATE KEY BLOCK-----"]),
        ("putty-private-key", "ppk", ["PuTTY-User-Key-File-3: ssh-ed25519", "Encryption: none", "Comment: deploy", "Public-Lines: 2",
                                      "AAAAC3NzaC1lZDI1NTE5AAAAI" + r(B64, 39), r(B64, 20), "Private-Lines: 1", "AAAAI" + r(B64, 43),
                                      "Private-MAC: " + r(HEX, 64)]),
        ("jwt", "http", [f"Authorization: Bearer {jwt()}"]),
        ("npm", "npmrc", [f"//registry.npmjs.org/:_authToken={checksummed('npm')}"]),
        ("pypi", "ini", [f"password = pypi-AgEIcHlwaS5vcmc{r(AN + '-_', 70)}"]),
        ("dockerhub", "env", [f"DOCKERHUB_TOKEN=dckr_pat_{r(AN + '-_', 27)}"]),
        ("twilio", "env", [f"TWILIO_AUTH_TOKEN={r(HEX, 32)}"]),
        ("sendgrid", "py", [f'SENDGRID_API_KEY = "SG.{r(AN + "-_", 22)}.{r(AN + "-_", 43)}"']),
        ("mailgun", "rb", [f"MAILGUN_API_KEY = 'key-{r(HEX, 32)}'"]),
        ("heroku", "env", [f"HEROKU_API_KEY={r(HEX, 8)}-{r(HEX, 4)}-{r(HEX, 4)}-{r(HEX, 4)}-{r(HEX, 12)}"]),
        ("digitalocean", "tf", [f'  token = "dop_v1_{r(HEX, 64)}"']),
        ("datadog", "yaml", [f"  DD_API_KEY: {r(HEX, 32)}"]),
        ("shopify", "rb", [f"ShopifyAPI::Session.temp(token: 'shpat_{r(HEX, 32)}')"]),
        ("vault", "env", [f"VAULT_TOKEN=hvs.{r(AN + '-_', 90)}"]),
        ("terraform-cloud", "tfrc", [f'  token = "{r(AN, 14)}.atlasv1.{r(AN, 67)}"']),
        ("openai", "env", [f"OPENAI_API_KEY=sk-proj-{r(AN + '-_', 120)}"]),
        ("anthropic", "env", [f"ANTHROPIC_API_KEY=sk-ant-api03-{r(AN + '-_', 93)}AA"]),
        ("age", "txt", [f"AGE-SECRET-KEY-1{r('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}"]),
        ("postgres-url", "env", [f"DATABASE_URL=postgres://app:{r(AN, 20)}@db.prod.internal:5432/app"]),
        ("mongodb-url", "yaml", [f"  uri: mongodb+srv://svc:{r(AN, 16)}@cluster0.abcde.mongodb.net/prod"]),
        ("generic-password-py", "py", [f'DB_PASSWORD = "{pw()}"']),
        ("generic-password-yaml", "yaml", [f'  password: "{pw()}"']),
        ("generic-password-env", "env", [f"ADMIN_PASSWORD={pw()}"]),
        ("generic-secret-json", "json", [f'  "client_secret": "{r(AN, 32)}",']),
        ("generic-password-tf", "tf", [f'  password = "{pw()}"']),
        ("generic-api-key-js", "js", [f'const config = {{ apiKey: "{r(AN, 40)}" }};']),
        ("generic-token-toml", "toml", [f'api_token = "{r(HEX, 40)}"']),
        ("generic-secret-properties", "properties", [f"spring.datasource.password={pw()}"]),
    ]

    # Candidate host files: existing code and config files of the product,
    # where a secret is a leak. Not test data, examples, generated files or
    # prose: there a scanner that knows file roles (SPEC §9) rightly sets
    # test keys and example values aside, and that is precision, measured
    # on the real trees, not recall.
    not_product = {"test", "tests", "testing", "testdata", "test-data", "test_data",
                   "fixtures", "fixture", "examples", "example", "samples", "sample",
                   "benches", "vendor", "third_party", "target", "docs", "doc"}
    hosts = []
    for d, _, files in os.walk(corpus):
        parts = os.path.relpath(d, corpus).lower().split(os.sep)
        if any(p in not_product or p.startswith(("test-", "test_", "tests_"))
               or p.endswith(("-test", "_test", "-tests", "_tests")) for p in parts):
            continue
        for f in files:
            if not f.endswith((".rs", ".toml", ".yml", ".yaml", ".json")) or f == ".cargo-checksum.json":
                continue
            if f.endswith(("_test.rs", "_tests.rs")) or f.startswith("test"):
                continue
            path = os.path.join(d, f)
            with open(path, "rb") as fh:
                head = fh.read(2048).lower()
            if b"generated" in head:
                continue
            hosts.append(path)
    hosts.sort()
    rng.shuffle(hosts)

    planted = []
    for i, (family, ext, lines) in enumerate(secrets):
        if i % 2 == 0 and not family.startswith("generic"):
            # Injected into an existing file at a random line (tokens with a
            # distinctive format; generic assignments get a file of their
            # own type, where their syntax belongs).
            path = hosts[i]
            with open(path, encoding="utf-8", errors="surrogateescape") as fh:
                old = fh.read().split("\n")
            at = rng.randrange(0, max(1, len(old)))
            new = old[:at] + lines + old[at:]
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
                fh.write("\n".join(new))
            start = at + 1
        else:
            # A new config file next to existing code.
            d = os.path.dirname(hosts[i])
            name = ".env" if ext == "env" else f"deploy_settings_{i}.{ext}"
            path = os.path.join(d, name)
            if os.path.exists(path):
                path = os.path.join(d, f"deploy_settings_{i}.{ext}")
            with open(path, "w") as fh:
                fh.write("# settings\n\n" + "\n".join(lines) + "\n")
            start = 3
        planted.append({
            "family": family,
            "path": os.path.relpath(path, corpus),
            "start": start,
            "end": start + len(lines) - 1,
        })
    with open(manifest, "w") as fh:
        json.dump(planted, fh, indent=1)
    print(f"planted {len(planted)} secrets of {len(set(p['family'] for p in planted))} families")


if __name__ == "__main__":
    main()
