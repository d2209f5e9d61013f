#!/bin/sh
# pilotd's pilot bootstrap, the seed of every container (AWS Batch, Kubernetes) and VM pilot: it installs
# what the wrapper needs and is missing, finds this pilot's stamp, writes and checks the proxy,
# configures CVMFS where it can, and runs the DIRAC pilot wrapper as an unprivileged user.
# The stamp of pilot i of batch B is the first 32 hex characters of sha256("B:i"), i being the
# offset of the submission plus the index the cloud gives this pilot: AWS_BATCH_JOB_ARRAY_INDEX
# in an array job, JOB_COMPLETION_INDEX in a Kubernetes Indexed Job, the ami-launch-index on EC2, the launch_index (or pilotd-index) on OpenStack,
# the pilotd-index on Google Compute Engine.
# Exit status: the wrapper's; 3 when the pilot cannot be started here.
set -eu
# Never trace this script (set -x): the trace would print the proxy.

log() {
    printf '%s pilotd-bootstrap: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

if [ -n "${PILOTD_PAYLOAD_URL:-}" ]; then
    # A payload too large for the request was staged in S3.
    payload=$(mktemp)
    curl -fsS --retry 5 -o "$payload" "$PILOTD_PAYLOAD_URL"
    # shellcheck disable=SC1090
    . "$payload"
    rm -f "$payload"
fi

# What the wrapper runs with; installed when missing and this is root (a bare container image).
install_missing() {
    missing=
    for tool in curl tar python3 sha512sum base64 gzip; do
        command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
    done
    [ -n "$missing" ] || return 0
    if [ "$(id -u)" != 0 ]; then
        log "missing:$missing (not root: cannot install them)"
        return 0
    fi
    log "installing what is missing:$missing"
    set -- curl tar python3 coreutils gzip
    if command -v dnf >/dev/null 2>&1; then
        dnf -q -y install "$@"
    elif command -v yum >/dev/null 2>&1; then
        yum -q -y install "$@"
    elif command -v apt-get >/dev/null 2>&1; then
        apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get -qq -y install "$@"
    elif command -v apk >/dev/null 2>&1; then
        apk add -q "$@"
    else
        log "no package manager to install$missing with"
    fi
}

# The pilot's index in its batch, from the instance metadata service, a few tries apart: EC2's
# ami-launch-index (IMDSv2), else OpenStack's meta_data.json, where a server created alone
# carries pilotd-index and one of a multi-create its launch_index, else the pilotd-index
# attribute of a Google Compute Engine instance. Nothing when it cannot be had. Never a guess:
# two VMs that both guessed 0 would run one stamp.
launch_index() {
    for _ in 1 2 3; do
        token=$(curl -fsS --connect-timeout 2 --max-time 5 -X PUT \
            -H "X-aws-ec2-metadata-token-ttl-seconds: 300" http://169.254.169.254/latest/api/token 2>/dev/null) \
            && curl -fsS --connect-timeout 2 --max-time 5 -H "X-aws-ec2-metadata-token: $token" \
                http://169.254.169.254/latest/meta-data/ami-launch-index 2>/dev/null \
            && return 0
        if meta=$(curl -fsS --connect-timeout 2 --max-time 5 \
                http://169.254.169.254/openstack/latest/meta_data.json 2>/dev/null); then
            n=$(printf '%s' "$meta" | sed -n 's/.*"pilotd-index": *"\([0-9]*\)".*/\1/p')
            if [ -z "$n" ]; then
                n=$(printf '%s' "$meta" | sed -n 's/.*"launch_index": *\([0-9]*\).*/\1/p')
            fi
            if [ -n "$n" ]; then
                echo "$n"
                return 0
            fi
        fi
        curl -fsS --connect-timeout 2 --max-time 5 -H "Metadata-Flavor: Google" \
            http://metadata.google.internal/computeMetadata/v1/instance/attributes/pilotd-index 2>/dev/null \
            && return 0
        sleep 2
    done
    return 1
}

install_missing

if [ -z "${DIRAC_PILOT_STAMP:-}" ]; then
    index=${AWS_BATCH_JOB_ARRAY_INDEX:-${JOB_COMPLETION_INDEX:-}}
    if [ -z "$index" ]; then
        index=$(launch_index) || index=
    fi
    case "$index" in
        '' | *[!0-9]*)
            log "cannot learn this pilot's index (no AWS_BATCH_JOB_ARRAY_INDEX, no JOB_COMPLETION_INDEX, no instance metadata): not running a pilot"
            exit 3
            ;;
    esac
    DIRAC_PILOT_STAMP=$(printf '%s:%s' "$PILOTD_BATCH" "$((${PILOTD_STAMP_OFFSET:-0} + index))" \
        | sha256sum | cut -c1-32)
fi
export DIRAC_PILOT_STAMP
# The reference DIRAC's pilot reports (PILOT_UUID wins over every batch system's variable in its
# getSubmitterInfo): the one pilotd writes to DIRAC's PilotAgents table for this stamp.
PILOT_UUID="pilotd://$DIRAC_PILOT_STAMP"
export PILOT_UUID
log "pilot $DIRAC_PILOT_STAMP of queue ${PILOTD_QUEUE:-?} at ${DIRAC_SITE:-?}"

# The unprivileged user the pilot runs as, when this is root (and not told to run as root).
user=${PILOTD_PILOT_USER:-pilot}
if [ "$(id -u)" = 0 ] && [ "$user" != "$(id -un)" ]; then
    if ! id "$user" >/dev/null 2>&1; then
        useradd -m -s /bin/sh "$user" 2>/dev/null || adduser -D -s /bin/sh "$user"
    fi
    home=$(getent passwd "$user" | cut -d: -f6)
else
    user=
    home=${HOME:-/tmp}
fi
export PILOTD_WORK_DIR="${PILOTD_WORK_DIR:-$home}"

# The proxy, in a 0600 file of the pilot's user; checked before anything runs with it.
if [ -n "${PILOTD_PROXY:-}" ]; then
    X509_USER_PROXY=$home/proxy
    (umask 077 && printf '%s' "$PILOTD_PROXY" | base64 -d > "$X509_USER_PROXY")
    unset PILOTD_PROXY
    [ -z "$user" ] || chown "$user" "$X509_USER_PROXY"
    export X509_USER_PROXY
fi
if [ -n "${X509_USER_PROXY:-}" ] && command -v openssl >/dev/null 2>&1; then
    if ! openssl x509 -in "$X509_USER_PROXY" -noout -checkend 0 >/dev/null; then
        log "the proxy has expired: not running a pilot"
        exit 3
    fi
fi

# CVMFS, where this image has it and the director named repositories.
if [ -n "${PILOTD_CVMFS_REPOSITORIES:-}" ] && [ "$(id -u)" = 0 ] && command -v cvmfs_config >/dev/null 2>&1 \
    && [ ! -f /etc/cvmfs/default.local ]; then
    printf 'CVMFS_REPOSITORIES=%s\nCVMFS_HTTP_PROXY=%s\n' "$PILOTD_CVMFS_REPOSITORIES" "${PILOTD_CVMFS_HTTP_PROXY:-DIRECT}" \
        > /etc/cvmfs/default.local
    cvmfs_config setup || log "cvmfs_config setup failed: the pilot runs without CVMFS"
fi

# The wrapper: a file (a VM's cloud-init wrote it), or in PILOTD_WRAPPER, gzipped and base64-encoded.
wrapper=${PILOTD_WRAPPER_FILE:-}
if [ -z "$wrapper" ]; then
    if [ -z "${PILOTD_WRAPPER:-}" ]; then
        log "no pilot wrapper (PILOTD_WRAPPER_FILE or PILOTD_WRAPPER): nothing to run"
        exit 3
    fi
    wrapper=$(mktemp)
    printf '%s' "$PILOTD_WRAPPER" | base64 -d | gunzip > "$wrapper"
    chmod 755 "$wrapper"
    unset PILOTD_WRAPPER
fi

set +e
if [ -n "$user" ]; then
    if command -v runuser >/dev/null 2>&1; then
        runuser -u "$user" -- /bin/sh "$wrapper"
    else
        su -m -s /bin/sh -c "/bin/sh '$wrapper'" "$user"
    fi
else
    /bin/sh "$wrapper"
fi
status=$?
log "the pilot ended with status $status"
exit "$status"
