# Compiler flags shared by every Cairn target, applied through the `cairn_options` interface target.
add_library(cairn_options INTERFACE)
target_compile_options(cairn_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
target_include_directories(cairn_options INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)

if(CAIRN_SANITIZE)
  target_compile_options(cairn_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(cairn_options INTERFACE -fsanitize=address,undefined)
endif()

# Coroutines (Asio's awaitable) need this flag on g++ 12 in C++20 mode.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(cairn_options INTERFACE -fcoroutines)
endif()
