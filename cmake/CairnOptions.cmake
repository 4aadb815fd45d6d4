# Compiler flags shared by every Cairn target, applied through the `cairn_options` interface target.
add_library(cairn_options INTERFACE)
target_compile_options(cairn_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)

if(CAIRN_SANITIZE)
  target_compile_options(cairn_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(cairn_options INTERFACE -fsanitize=address,undefined)
endif()

# Coroutines (Asio's awaitable) need this flag on g++ 12 in C++20 mode.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(cairn_options INTERFACE -fcoroutines)
endif()

# Include visibility follows DESIGN.md's arrows, so a forbidden include fails to compile.
# Sources include project-absolute paths ("storage/segment.h"), yet the project root is on no
# target's include path. Instead, cairn_include_folders(<target> <PUBLIC|PRIVATE> <folder>...)
# gives <target> an include root in the build tree holding a symlink to each named top-level
# folder; a library's PUBLIC root passes on to whatever links it. Each library names only its own
# folder, so a target sees exactly the folders of what it links: storage links protocol and sees
# protocol/ and storage/, and "broker/broker.h" is not found there.
function(cairn_include_folders target scope)
  set(root ${PROJECT_BINARY_DIR}/include_roots/${target})
  file(MAKE_DIRECTORY ${root})
  file(GLOB entries LIST_DIRECTORIES true ${root}/*)
  foreach(entry IN LISTS entries)
    get_filename_component(name ${entry} NAME)
    if(NOT name IN_LIST ARGN)
      file(REMOVE ${entry})  # a symlink: removes the link, never the folder it points to
    endif()
  endforeach()
  foreach(folder IN LISTS ARGN)
    set(link ${root}/${folder})
    set(current "")
    if(IS_SYMLINK ${link})
      file(READ_SYMLINK ${link} current)
    endif()
    if(NOT current STREQUAL "${PROJECT_SOURCE_DIR}/${folder}")
      file(REMOVE ${link})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${folder} ${link} SYMBOLIC)
    endif()
  endforeach()
  target_include_directories(${target} ${scope} $<BUILD_INTERFACE:${root}>)
endfunction()
