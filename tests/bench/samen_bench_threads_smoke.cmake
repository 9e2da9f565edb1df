# The smoke test of `samen-bench --client-threads 2`: a short run in closed and in open mode must
# each exit 0 and print one JSON line with client_threads 2, ops > 0 and every client agreeing on
# the text; no threads, or more threads than clients, is refused with exit code 2 and the bound
# named. Nothing about timing.
# Run as: cmake -DSAMEN_BENCH=<path to samen-bench> -P samen_bench_threads_smoke.cmake
if(NOT SAMEN_BENCH)
  message(FATAL_ERROR "pass -DSAMEN_BENCH=<path to samen-bench>")
endif()
function(run_with_two_threads)
  string(JOIN " " mode ${ARGN})
  execute_process(
    COMMAND ${SAMEN_BENCH} --client-threads 2 ${ARGN} --seconds 2 --warmup 0.5 --seed 1
            --idle-connections 0 --large-kib 0 --fsync-samples 0
    OUTPUT_VARIABLE out
    RESULT_VARIABLE rc
    TIMEOUT 120)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "samen-bench ${mode} exited with '${rc}'; it printed:\n${out}")
  endif()
  string(STRIP "${out}" line)
  if(line MATCHES "\n" OR NOT line MATCHES "^{")
    message(FATAL_ERROR "samen-bench ${mode} must print one JSON line, not:\n${out}")
  endif()
  string(JSON threads ERROR_VARIABLE error GET "${line}" client_threads)
  if(error OR NOT threads EQUAL 2)
    message(FATAL_ERROR "samen-bench ${mode}: client_threads is not 2: ${error}\n${out}")
  endif()
  string(JSON ops ERROR_VARIABLE error GET "${line}" ops)
  if(error OR NOT ops GREATER 0)
    message(FATAL_ERROR "samen-bench ${mode} acknowledged no ops: ${error}\n${out}")
  endif()
  string(JSON converged ERROR_VARIABLE error GET "${line}" converged)
  if(error OR NOT converged STREQUAL "ON")
    message(FATAL_ERROR "samen-bench ${mode}: the clients did not converge: ${error}\n${out}")
  endif()
  message(STATUS "samen-bench ${mode} on 2 client threads: ${ops} ops acknowledged")
endfunction()
run_with_two_threads(--mode closed)
run_with_two_threads(--mode open --rate 160)

function(refused threads expected)
  execute_process(
    COMMAND ${SAMEN_BENCH} --client-threads ${threads} --seconds 1 --idle-connections 0
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err
    RESULT_VARIABLE rc
    TIMEOUT 60)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "${expected}")
    message(FATAL_ERROR "--client-threads ${threads} must exit 2 saying '${expected}', not "
                        "'${rc}':\n${err}")
  endif()
endfunction()
refused(0 "needs a number from 1 to 64")
refused(9 "more than the 8 typing clients")
