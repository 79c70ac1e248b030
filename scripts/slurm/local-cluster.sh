#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (controller and compute daemon on localhost), for
# testing the job scripts beside this file against a real Slurm. Needs root and Debian's packages:
#   apt-get install slurm-wlm munge
# Usage: scripts/slurm/local-cluster.sh start|stop|status
# Everything lives under $MEDVLM_SLURM_DIR (default /tmp/medvlm-slurm); nothing in /etc is changed
# except that munge gets a key if it has none. Clients find the cluster with
#   export SLURM_CONF=$MEDVLM_SLURM_DIR/slurm.conf
set -euo pipefail
dir="${MEDVLM_SLURM_DIR:-/tmp/medvlm-slurm}"
conf="$dir/slurm.conf"
host="$(hostname -s)"

die() { echo "local-cluster: error: $*" >&2; exit 1; }

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return; fi
  [ -f /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none; }
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge && chown munge:munge /run/munge /var/log/munge /var/lib/munge
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return; sleep 0.1; done
  die "munged did not start (see /var/log/munge/munged.log)"
}

write_conf() {
  mkdir -p "$dir/ctld" "$dir/d" "$dir/log"
  local cpus mem
  cpus="$(nproc)"
  mem="$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)"
  cat > "$conf" <<CONF
# written by scripts/slurm/local-cluster.sh: one node, controller and daemon on $host
ClusterName=medvlm-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/d
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
JobRequeue=1
KillWait=30
MinJobAge=600
SchedulerParameters=sched_interval=2
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

case "${1:-}" in
  start)
    [ "$(id -u)" = 0 ] || die "run as root (the daemons need it)"
    command -v slurmctld >/dev/null || die "Slurm is not installed: apt-get install slurm-wlm munge"
    start_munge
    if [ -f "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
      echo "local-cluster: already running ($conf)"; exit 0
    fi
    write_conf
    slurmctld -f "$conf"
    slurmd -f "$conf"
    export SLURM_CONF="$conf"
    for _ in $(seq 100); do
      state="$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)"
      case "$state" in idle|mix|alloc) echo "local-cluster: up, node $host $state; export SLURM_CONF=$conf"; exit 0 ;; esac
      sleep 0.2
    done
    die "the node did not come up (state '${state:-none}'); logs in $dir/log"
    ;;
  stop)
    for d in slurmd slurmctld; do
      if [ -f "$dir/$d.pid" ]; then kill "$(cat "$dir/$d.pid")" 2>/dev/null || true; fi
    done
    for _ in $(seq 50); do pgrep -f "slurm(ctld|d) -f $conf" >/dev/null || break; sleep 0.1; done
    echo "local-cluster: stopped"
    ;;
  status)
    SLURM_CONF="$conf" sinfo -N
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
