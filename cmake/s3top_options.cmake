# One place for warnings and sanitizers, applied to every target we own.
function(s3top_set_options target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
    -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports -Wrestrict/-Wstringop-overflow false positives inside std::string at -O3
    # (GCC bugs 105329, 105651); they are not in our code.
    target_compile_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overflow)
  endif()
  if(S3TOP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(S3TOP_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(S3TOP_TSAN)
    # TSan's instrumentation makes GCC 12 see null dereferences inside std::string in CLI11's
    # headers (never in the plain build of the same code): not ours, so not an error there.
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer -Wno-null-dereference)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
endfunction()
