# The determinism guard: a run is a pure function of (plan, scenario, seed). Each command below
# runs twice, in two processes; the reports (and the text of one run) must be byte-identical,
# and a different seed must give a different fingerprint. Invoked by ctest with CLAWSIM,
# SOURCE_DIR and WORK_DIR.
file(MAKE_DIRECTORY ${WORK_DIR})

# Runs clawsim with the arguments after `file`, writing its standard output to `file`; any
# verdict (0 pass, 1 fail, 3 known failure) is fine, bad input or an internal error is not.
function(run_to file)
  execute_process(COMMAND ${CLAWSIM} ${ARGN} RESULT_VARIABLE rc OUTPUT_FILE ${file}
                  ERROR_VARIABLE err TIMEOUT 300)
  if(NOT (rc EQUAL 0 OR rc EQUAL 1 OR rc EQUAL 3))
    message(FATAL_ERROR "clawsim ${ARGN}: exit ${rc}\n${err}")
  endif()
endfunction()

function(expect_same_bytes a b what)
  file(READ ${a} text_a)
  file(READ ${b} text_b)
  if(text_a STREQUAL "")
    message(FATAL_ERROR "${what}: empty output")
  endif()
  if(NOT text_a STREQUAL text_b)
    message(FATAL_ERROR "${what}: two runs with the same input differ (${a}, ${b})")
  endif()
endfunction()

function(fingerprint_of file out_var)
  file(READ ${file} text)
  string(REGEX MATCH "\"fingerprint\": \"([0-9a-f]+)\"" found "${text}")
  if(NOT found)
    message(FATAL_ERROR "no fingerprint in ${file}")
  endif()
  set(${out_var} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()

# A sample of the built-in scenarios, one seed each: report JSON twice, and another seed.
foreach(name leader-crash leader-partition rolling-maintenance trusted-node-drain nfs-outage)
  foreach(round 1 2)
    run_to(${WORK_DIR}/${name}-${round}.out scenario ${name} --seed 11 --json ${WORK_DIR}/${name}-${round}.json)
  endforeach()
  expect_same_bytes(${WORK_DIR}/${name}-1.json ${WORK_DIR}/${name}-2.json "scenario ${name} --seed 11 --json")
  expect_same_bytes(${WORK_DIR}/${name}-1.out ${WORK_DIR}/${name}-2.out "scenario ${name} --seed 11 (text)")
  run_to(${WORK_DIR}/${name}-other.out scenario ${name} --seed 12 --json ${WORK_DIR}/${name}-other.json)
  fingerprint_of(${WORK_DIR}/${name}-1.json same)
  fingerprint_of(${WORK_DIR}/${name}-other.json other)
  if(same STREQUAL other)
    message(FATAL_ERROR "scenario ${name}: seeds 11 and 12 have one fingerprint, ${same}: the seed is not used")
  endif()
endforeach()

# Many seeds in one invocation: the distributions and the failing seeds are the same each time.
foreach(round 1 2)
  run_to(${WORK_DIR}/runs-${round}.out scenario leader-partition --seed 1 --runs 40 -q --json ${WORK_DIR}/runs-${round}.json)
endforeach()
expect_same_bytes(${WORK_DIR}/runs-1.json ${WORK_DIR}/runs-2.json "scenario leader-partition --runs 40 --json")

# One validate sweep with pairs.
foreach(round 1 2)
  run_to(${WORK_DIR}/sweep-${round}.out validate --plan ${SOURCE_DIR}/scenarios/plans/recommended.yaml --depth 2 --seeds 2 -q --json ${WORK_DIR}/sweep-${round}.json)
endforeach()
expect_same_bytes(${WORK_DIR}/sweep-1.json ${WORK_DIR}/sweep-2.json "validate --depth 2 --seeds 2 --json")

# fidelity on a recording: the same bytes on one thread and on two.
foreach(jobs 1 2)
  run_to(${WORK_DIR}/fidelity-${jobs}.out fidelity ${SOURCE_DIR}/tests/fidelity/leader-demotion.jsonl --seeds 100 --jobs ${jobs} --json ${WORK_DIR}/fidelity-${jobs}.json)
endforeach()
expect_same_bytes(${WORK_DIR}/fidelity-1.json ${WORK_DIR}/fidelity-2.json "fidelity --jobs 1 and 2 --json")
expect_same_bytes(${WORK_DIR}/fidelity-1.out ${WORK_DIR}/fidelity-2.out "fidelity --jobs 1 and 2 (text)")
