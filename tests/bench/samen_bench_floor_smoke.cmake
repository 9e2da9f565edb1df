# The smoke test of `samen-bench --floor`: a short closed-loop run against samen-server and then
# samen-relay must exit 0 and print one JSON line in which both acknowledged edits, every ratio
# samen / relay is a number and the disk's sync latency was measured. Nothing about timing.
# Run as: cmake -DSAMEN_BENCH=<path to samen-bench> -P samen_bench_floor_smoke.cmake
if(NOT SAMEN_BENCH)
  message(FATAL_ERROR "pass -DSAMEN_BENCH=<path to samen-bench>")
endif()
execute_process(
  COMMAND ${SAMEN_BENCH} --floor --mode closed --seconds 2 --warmup 0.5 --seed 1
          --idle-connections 0 --large-kib 0 --fsync-samples 20
  OUTPUT_VARIABLE out
  RESULT_VARIABLE rc
  TIMEOUT 240)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "samen-bench --floor exited with '${rc}'; it printed:\n${out}")
endif()
string(STRIP "${out}" line)
if(line MATCHES "\n" OR NOT line MATCHES "^{")
  message(FATAL_ERROR "samen-bench --floor must print one JSON line, not:\n${out}")
endif()
function(require_number)
  string(JSON type ERROR_VARIABLE error TYPE "${line}" ${ARGN})
  if(error OR NOT type STREQUAL "NUMBER")
    message(FATAL_ERROR "samen-bench --floor printed no number at ${ARGN}: ${error}\n${out}")
  endif()
endfunction()
foreach(path "ops" "floor;ops")
  require_number(${path})
  string(JSON ops GET "${line}" ${path})
  if(NOT ops GREATER 0)
    message(FATAL_ERROR "no edits were acknowledged (${path} = ${ops}):\n${out}")
  endif()
endforeach()
foreach(ratio cpu_per_op ack_p50 ack_p99 e2e_p50 e2e_p99)
  require_number(ratios ${ratio})
endforeach()
require_number(fsync_ms p99)
require_number(e2e_p99_minus_fsync_p99_ms)
string(JSON samples GET "${line}" fsync_ms samples)
if(NOT samples EQUAL 20)
  message(FATAL_ERROR "fsync_ms has ${samples} samples, not the 20 asked for:\n${out}")
endif()
string(JSON ratios GET "${line}" ratios)
message(STATUS "samen-bench --floor: ${ops} ops on the relay; samen / relay: ${ratios}")
