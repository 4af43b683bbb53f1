# The CLI as a user runs it. Invoked by ctest with CLAWSIM, SOURCE_DIR and WORK_DIR.
file(MAKE_DIRECTORY ${WORK_DIR})

function(run_cli expected_rc out_var)
  execute_process(COMMAND ${CLAWSIM} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err TIMEOUT 60)
  if(NOT rc EQUAL expected_rc)
    message(FATAL_ERROR "clawsim ${ARGN}: exit ${rc}, expected ${expected_rc}\n${out}\n${err}")
  endif()
  set(${out_var} "${out}${err}" PARENT_SCOPE)
endfunction()

function(expect_in text needle)
  string(FIND "${text}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected to find '${needle}' in:\n${text}")
  endif()
endfunction()

# Listing and the default plan.
run_cli(0 out scenarios)
expect_in("${out}" "quorum-loss")
expect_in("${out}" "dashboard-node-loss")
run_cli(0 out plan default)
expect_in("${out}" "node.labels.openclaw.trusted == true")

# The main job: the README's first command.
run_cli(0 out scenario quorum-loss --seed 42)
expect_in("${out}" "PASS  quorum is lost as soon as two managers are gone")
expect_in("${out}" "verdict PASS  seed 42")

# Byte-identical JSON reports for the same inputs.
run_cli(0 out scenario leader-crash --seed 9 --json ${WORK_DIR}/a.json)
run_cli(0 out scenario leader-crash --seed 9 --json ${WORK_DIR}/b.json)
file(READ ${WORK_DIR}/a.json a)
file(READ ${WORK_DIR}/b.json b)
if(NOT a STREQUAL b)
  message(FATAL_ERROR "same seed, different reports")
endif()
expect_in("${a}" "\"schema_version\": 1")

# A drawn seed is printed.
run_cli(0 out scenario follower-crash)
expect_in("${out}" "pass --seed")

# Several runs: the distribution of each duration.
run_cli(0 out scenario leader-crash --runs 50 --seed 1 --plan ${SOURCE_DIR}/scenarios/plans/corrected-firewall.yaml)
expect_in("${out}" "leader_elected_ms")
expect_in("${out}" "50 runs, 50 passed")

# A user-written scenario file that fails its expectation: exit 1.
file(WRITE ${WORK_DIR}/strict.yaml "name: strict\ntimeline:\n  - {at: 10s, do: crash-node, node: chicago}\nexpect:\n  - {check: service, subject: openclaw, stays: up}\n")
run_cli(1 out scenario ${WORK_DIR}/strict.yaml --seed 1)
expect_in("${out}" "FAIL  service openclaw stays up")

# Bad input: exit 2 with file, line and field.
file(WRITE ${WORK_DIR}/bad-plan.yaml "nodes:\n  - name: a\n    address: 10.0.0.1\n    role: boss\n")
run_cli(2 out scenario quorum-loss --plan ${WORK_DIR}/bad-plan.yaml)
expect_in("${out}" "bad-plan.yaml:4: nodes[0].role: expected manager or worker, got 'boss'")
file(WRITE ${WORK_DIR}/bad-scenario.yaml "name: bad\ntimeline:\n  - {at: 5s, do: crash-node, node: paris}\n")
run_cli(2 out scenario ${WORK_DIR}/bad-scenario.yaml)
expect_in("${out}" "bad-scenario.yaml:3: timeline[0].node: unknown node 'paris'")
run_cli(2 out scenario no-such-scenario)
expect_in("${out}" "unknown scenario 'no-such-scenario'")
run_cli(2 out scenario quorum-loss --plan ${WORK_DIR}/missing.yaml)
expect_in("${out}" "cannot read the file")
run_cli(2 out scenario quorum-loss --seed banana)
run_cli(2 out frobnicate)

# Live drills refuse, before connecting anywhere, a scenario they cannot perform and undo.
file(WRITE ${WORK_DIR}/inventory.yaml "known_hosts: kh\ndefaults: {key: k}\nnodes:\n  - {name: atlanta, host: 127.0.0.1, port: 1}\n")
run_cli(2 out live drill leader-crash --inventory ${WORK_DIR}/inventory.yaml)
expect_in("${out}" "crash-node @leader: crash-node/restart-node need power control")
run_cli(2 out live status)
expect_in("${out}" "live commands need --inventory FILE")
file(WRITE ${WORK_DIR}/bad-inventory.yaml "known_hosts: kh\nnodes:\n  - {name: a, host: h}\n")
run_cli(2 out live status --inventory ${WORK_DIR}/bad-inventory.yaml)
expect_in("${out}" "bad-inventory.yaml:3: nodes[0]: no SSH key")
