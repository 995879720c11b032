# Warnings for first-party code; linked PRIVATE so they never leak to consumers.
add_library(standard_warnings INTERFACE)
target_compile_options(standard_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wold-style-cast -Wsuggest-override -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(LIFELINE_WERROR)
  target_compile_options(standard_warnings INTERFACE -Werror)
endif()

# One line per first-party library: settings public, warnings private.
function(lifeline_library name)
  add_library(${name} STATIC ${ARGN})
  target_link_libraries(${name} PUBLIC standard_settings PRIVATE standard_warnings)
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
endfunction()

function(lifeline_executable name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE standard_settings standard_warnings)
endfunction()
