# The smoke test of samen-bench-sync: a short run must exit 0 and print one JSON line per way, in
# order, each either measured (3 samples) or skipped with its reason; a count of samples out of
# bounds is refused with exit code 2. Nothing about timing.
# Run as: cmake -DSAMEN_BENCH_SYNC=<path to samen-bench-sync> -P samen_bench_sync_smoke.cmake
if(NOT SAMEN_BENCH_SYNC)
  message(FATAL_ERROR "pass -DSAMEN_BENCH_SYNC=<path to samen-bench-sync>")
endif()
execute_process(
  COMMAND ${SAMEN_BENCH_SYNC} --samples 3 --gap-ms 0
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  RESULT_VARIABLE rc
  TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "samen-bench-sync exited with '${rc}'; it printed:\n${out}${err}")
endif()
string(STRIP "${out}" out)
string(REPLACE "\n" ";" lines "${out}")
set(expected fdatasync o_dsync rwf_dsync o_direct_dsync o_direct flush)
list(LENGTH lines count)
list(LENGTH expected wanted)
if(NOT count EQUAL wanted)
  message(FATAL_ERROR "samen-bench-sync must print ${wanted} lines, one per way, not:\n${out}")
endif()
foreach(i RANGE 0 5)
  list(GET lines ${i} line)
  list(GET expected ${i} way)
  string(JSON name ERROR_VARIABLE error GET "${line}" way)
  if(error OR NOT name STREQUAL way)
    message(FATAL_ERROR "line ${i} must be the way ${way}: ${error}\n${line}")
  endif()
  string(JSON samples ERROR_VARIABLE error GET "${line}" samples)
  if(error)
    string(JSON skipped ERROR_VARIABLE error GET "${line}" skipped)
    if(error)
      message(FATAL_ERROR "${way} is neither measured nor skipped:\n${line}")
    endif()
    message(STATUS "${way}: ${skipped}")
  elseif(NOT samples EQUAL 3)
    message(FATAL_ERROR "${way} must count 3 samples:\n${line}")
  else()
    string(JSON cpu GET "${line}" cpu_us p50)
    message(STATUS "${way}: measured, CPU p50 ${cpu} us")
  endif()
endforeach()

execute_process(
  COMMAND ${SAMEN_BENCH_SYNC} --samples 0
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  RESULT_VARIABLE rc
  TIMEOUT 60)
if(NOT rc EQUAL 2 OR NOT err MATCHES "--samples")
  message(FATAL_ERROR "--samples 0 must exit 2 naming the flag, not '${rc}':\n${err}")
endif()
