#!/bin/sh
# A stand-in for RTI Perftest's perftest_publisher (4.x) on the test machines: takes Perftest's flags,
# writes its output file in Perftest's exact CSV format (the printf formats of PerftestPrinter.cxx, `%lu`
# spelled `%d`), and appends its arguments to args.log beside it.
#
# A file perftest.control beside it (shell assignments) makes it misbehave:
#   MODE=ok|fail|hang|nothing|empty|garbage   ROLE=any|pub|sub (which participants misbehave)   SLEEP=seconds
cd "$(dirname "$0")" || exit 2
MODE=ok ROLE=any SLEEP=0
[ -r perftest.control ] && . ./perftest.control
echo "$*" >> args.log
role=sub out='' len=100 subs=1 sid=0
while [ $# -gt 0 ]; do
  case "$1" in
    -pub) role=pub ;;
    -sub) role=sub ;;
    -outputFile) out=$2; shift ;;
    -dataLen) len=$2; shift ;;
    -numSubscribers) subs=$2; shift ;;
    -sidMultiSubTest) sid=$2; shift ;;
  esac
  shift
done
[ "$ROLE" = any ] || [ "$ROLE" = "$role" ] || MODE=ok
[ "$SLEEP" != 0 ] && sleep "$SLEEP"
case "$MODE" in
  fail) echo "perftest: [D0001|CREATE Participant] failed to create participant" >&2; exit 1 ;;
  hang) : > hung; exec sleep 3600 ;;
  nothing) exit 0 ;;
esac
[ -n "$out" ] || exit 0
if [ "$MODE" = empty ]; then : > "$out"; exit 0; fi
if [ "$MODE" = garbage ]; then printf 'Segmentation fault\n' > "$out"; exit 0; fi
if [ "$role" = pub ]; then
  {
    printf '\nIntervals One-Way Latency for %d Bytes:\n' "$len"
    printf 'Length (Bytes), Latency (μs), Ave (μs), Std (μs), Min (μs), Max (μs)\n'
    printf '%14d,%13d,%9.0f,%9.1f,%9d,%9d\n' "$len" 92 320 228.5 92 549
    printf '%14d,%13d,%9.0f,%9.1f,%9d,%9d\n' "$len" 51 230 299.7 51 902
    printf '\nOne-way Latency Summary:\n'
    printf 'Sample Size (Bytes), Ave (μs), Std (μs), Min (μs), Max (μs), 50%% (μs), 90%% (μs), 99%% (μs), 99.99%% (μs), 99.9999%% (μs)\n'
    printf '%19d,%9.0f,%9.1f,%9d,%9d,%9d,%9d,%9d,%12d,%14d\n' "$len" 230 299.7 51 902 88 410 880 901 902
  } > "$out"
else
  total=$((5887953 + sid))
  {
    printf '\nInterval Throughput for %d Bytes:\n' "$len"
    printf 'Length (Bytes), Total Samples,  Samples/s, Avg Samples/s,     Mbps,  Avg Mbps, Lost Samples, Lost Samples (%%)\n'
    printf '%14d,%14d,%11d,%14.0f,%9.1f,%10.1f, %12d, %16.2f\n' "$len" 3583926 2046014 2046014 1636.8 1636.8 0 0
    printf '\nThroughput Summary:\n'
    printf 'Sample Size (Bytes), Total Samples, Avg Samples/s,    Avg Mbps, Lost Samples, Lost Samples (%%)\n'
    printf '%19d,%14d,%14.0f,%12.1f, %12d, %16.2f\n' "$len" "$total" 1963048 1570.4 0 0
  } > "$out"
fi
