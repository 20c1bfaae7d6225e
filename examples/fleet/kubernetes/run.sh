#!/bin/sh
# One scorecard run: fan out, wait, fan in. Needs kubectl and a namespace
# `readyctl-fleet` (kubectl create namespace readyctl-fleet).
set -eu
cd "$(dirname "$0")"
kubectl apply -f repositories.yaml
kubectl -n readyctl-fleet delete job readyctl-fleet-check readyctl-fleet-scorecard --ignore-not-found
kubectl apply -f check-job.yaml
# Complete, or failed indexes: the scorecard is made from what was written.
kubectl -n readyctl-fleet wait --for=condition=complete --timeout=1h job/readyctl-fleet-check ||
    echo "some shards failed: the scorecard covers the reports that were written" >&2
kubectl apply -f aggregate-job.yaml
kubectl -n readyctl-fleet wait --for=condition=complete --timeout=10m job/readyctl-fleet-scorecard
kubectl -n readyctl-fleet logs job/readyctl-fleet-scorecard
