#!/bin/sh
# Writes .env next to compose.yaml from secrets.template: a fresh random value (32 random bytes, URL-safe
# base64: also a valid Fernet key) for each secret above "# Yours to fill", the rest left for you to fill.
# It never overwrites an existing .env: new tracker keys would make every stored conversation unreadable.
set -eu
cd "$(dirname "$0")"
if [ -e .env ]; then
    echo "deploy/containers/.env exists: keep it (edit it by hand to add a value)." >&2
    exit 1
fi
umask 077
random() { head -c 32 /dev/urandom | base64 | tr '+/' '-_'; }
generate=yes
while IFS= read -r line; do
    case $line in
        "# Yours to fill"*) generate=no; printf '%s\n' "$line" ;;
        # Telegram takes only A-Z, a-z, 0-9, _ and - in a secret_token: no base64 padding.
        TELEGRAM_WEBHOOK_SECRET=) printf '%s%s\n' "$line" "$(random | tr -d =)" ;;
        *=) if [ "$generate" = yes ]; then printf '%s%s\n' "$line" "$(random)"; else printf '%s\n' "$line"; fi ;;
        *) printf '%s\n' "$line" ;;
    esac
done < secrets.template > .env
echo "Wrote deploy/containers/.env (mode 600)."
