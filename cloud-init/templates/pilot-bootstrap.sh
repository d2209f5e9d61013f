#!/bin/sh
# pilotd's pilot bootstrap: run in a container (AWS Batch) or a VM (EC2), it finds this pilot's
# stamp, loads the payload, and runs the pilot. The stamp of pilot i of batch B is the first 32
# hex characters of sha256("B:i"), i being the offset of the submission plus the index the cloud
# gives this pilot: AWS_BATCH_JOB_ARRAY_INDEX in an array job, the ami-launch-index on EC2.
set -eu

if [ -n "${PILOTD_PAYLOAD_URL:-}" ]; then
    # A payload too large for the request was staged in S3.
    payload=$(mktemp)
    curl -fsS --retry 5 -o "$payload" "$PILOTD_PAYLOAD_URL"
    # shellcheck disable=SC1090
    . "$payload"
    rm -f "$payload"
fi

# The launch index from the instance metadata service (IMDSv2), a few tries apart; nothing
# when it cannot be had. Never a guess: two VMs that both guessed 0 would run one stamp.
launch_index() {
    for _ in 1 2 3; do
        token=$(curl -fsS --connect-timeout 2 --max-time 5 -X PUT \
            -H "X-aws-ec2-metadata-token-ttl-seconds: 300" http://169.254.169.254/latest/api/token 2>/dev/null) \
            && curl -fsS --connect-timeout 2 --max-time 5 -H "X-aws-ec2-metadata-token: $token" \
                http://169.254.169.254/latest/meta-data/ami-launch-index 2>/dev/null \
            && return 0
        sleep 2
    done
    return 1
}

if [ -z "${DIRAC_PILOT_STAMP:-}" ]; then
    index=${AWS_BATCH_JOB_ARRAY_INDEX:-}
    if [ -z "$index" ]; then
        index=$(launch_index) || index=
    fi
    case "$index" in
        '' | *[!0-9]*)
            echo "pilotd: cannot learn this pilot's index (no AWS_BATCH_JOB_ARRAY_INDEX, no instance metadata): not running a pilot" >&2
            exit 3
            ;;
    esac
    DIRAC_PILOT_STAMP=$(printf '%s:%s' "$PILOTD_BATCH" "$((${PILOTD_STAMP_OFFSET:-0} + index))" \
        | sha256sum | cut -c1-32)
fi
export DIRAC_PILOT_STAMP

echo "pilotd: pilot $DIRAC_PILOT_STAMP of queue ${PILOTD_QUEUE:-?} at ${DIRAC_SITE:-?}"
if [ -n "${PILOTD_PILOT_COMMAND:-}" ]; then
    # shellcheck disable=SC2086 # the command is a list of words
    exec $PILOTD_PILOT_COMMAND
fi
echo "pilotd: no PILOTD_PILOT_COMMAND: nothing to run" >&2
exit 1
