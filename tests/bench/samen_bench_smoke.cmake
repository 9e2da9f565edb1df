# The smoke test of samen-bench: a short closed-loop run must exit 0 and print one JSON line with
# ops > 0. It checks that the benchmark still runs against the current server, nothing about
# timing. Run as: cmake -DSAMEN_BENCH=<path to samen-bench> -P samen_bench_smoke.cmake
if(NOT SAMEN_BENCH)
  message(FATAL_ERROR "pass -DSAMEN_BENCH=<path to samen-bench>")
endif()
execute_process(
  COMMAND ${SAMEN_BENCH} --mode closed --seconds 2 --warmup 0.5 --seed 1
          --idle-connections 20 --large-kib 64 --cold-opens 1
          --server-arg --threads --server-arg 1
  OUTPUT_VARIABLE out
  RESULT_VARIABLE rc
  TIMEOUT 240)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "samen-bench exited with '${rc}'; it printed:\n${out}")
endif()
string(STRIP "${out}" line)
if(line MATCHES "\n" OR NOT line MATCHES "^{")
  message(FATAL_ERROR "samen-bench must print one JSON line, not:\n${out}")
endif()
string(JSON ops ERROR_VARIABLE json_error GET "${line}" ops)
if(json_error)
  message(FATAL_ERROR "samen-bench printed no \"ops\": ${json_error}\n${out}")
endif()
if(NOT ops GREATER 0)
  message(FATAL_ERROR "samen-bench acknowledged no ops:\n${out}")
endif()
# --server-arg reaches the server it starts.
string(JSON command ERROR_VARIABLE json_error GET "${line}" server command)
if(json_error OR NOT command MATCHES "\"--threads\",[ \t\r\n]*\"1\"")
  message(FATAL_ERROR "the server was not started with --server-arg's flags: ${command}")
endif()
message(STATUS "samen-bench: ${ops} ops acknowledged")
