# Language level and build flags every first-party target links to.
add_library(standard_settings INTERFACE)
target_compile_features(standard_settings INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
target_compile_definitions(standard_settings INTERFACE OPENSSL_NO_DEPRECATED OPENSSL_API_COMPAT=30000)

if(LIFELINE_FUZZ)
  target_compile_options(standard_settings INTERFACE -fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer)
  target_link_options(standard_settings INTERFACE -fsanitize=address)
endif()

if(LIFELINE_SANITIZE)
  target_compile_options(standard_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(standard_settings INTERFACE -fsanitize=address,undefined)
endif()
