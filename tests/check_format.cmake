# Fails when any C++ file under controlplane/, tests/, bench/ or fuzz/ is not clang-format clean.
file(GLOB_RECURSE sources
  ${SOURCE_DIR}/controlplane/*.cpp ${SOURCE_DIR}/controlplane/*.h
  ${SOURCE_DIR}/tests/*.cpp ${SOURCE_DIR}/tests/*.h ${SOURCE_DIR}/bench/*.cpp
  ${SOURCE_DIR}/fuzz/*.cpp ${SOURCE_DIR}/fuzz/*.h)
execute_process(COMMAND clang-format --dry-run --Werror ${sources} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "clang-format found unformatted files; run: make format")
endif()
