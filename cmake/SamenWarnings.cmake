# One place for the warning flags of every Samen target. The presets build with SAMEN_WERROR on,
# so that a new warning fails the build instead of hiding among the others.
option(SAMEN_WERROR "Treat compiler warnings as errors" OFF)

function(samen_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Woverloaded-virtual)
  if(SAMEN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
