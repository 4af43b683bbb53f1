# clawsim fidelity --fit finds a wrong plan parameter: the leader-partition recording predicted
# with an election timeout three times the testbed's (30 ticks) has its elections outside every
# window; --fit proposes election_tick 10, the testbed's, and explains every observation with it.
# On the recorded plan there is nothing to fit.
file(READ ${SOURCE_DIR}/tests/live/testbed-plan.yaml plan)
file(WRITE ${WORK_DIR}/slow-election.yaml "${plan}raft: {election_tick: 30}\n")
set(recording ${SOURCE_DIR}/tests/fidelity/leader-partition.jsonl)

execute_process(COMMAND ${CLAWSIM} fidelity ${recording} --plan ${WORK_DIR}/slow-election.yaml --seeds 40 --fit
                        --json ${WORK_DIR}/fit.json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "expected exit 1 (the plan as given misses), got ${rc}:\n${out}${err}")
endif()
foreach(expected "OUTSIDE  trial" "best: raft.election_tick 30 -> 10: 0 outside the windows"
                 "propose, in the plan:\n    raft:\n      election_tick: 10")
  string(FIND "${out}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected '${expected}' in:\n${out}")
  endif()
endforeach()
file(READ ${WORK_DIR}/fit.json json)
string(JSON to GET "${json}" fit best to)
string(JSON unexplained LENGTH "${json}" fit unexplained)
if(NOT to STREQUAL "10" OR NOT unexplained EQUAL 0)
  message(FATAL_ERROR "fit.best.to ${to}, ${unexplained} unexplained:\n${json}")
endif()

execute_process(COMMAND ${CLAWSIM} fidelity ${recording} --seeds 40 --fit
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(FIND "${out}" "fit: 0 observations outside the model's windows with the plan as given\n  nothing to fit" at)
if(NOT rc EQUAL 0 OR at EQUAL -1)
  message(FATAL_ERROR "expected nothing to fit and exit 0, got ${rc}:\n${out}${err}")
endif()
