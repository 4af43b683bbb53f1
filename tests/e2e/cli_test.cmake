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

# Byte-identical JSON reports for the same inputs. On the runbook's plan, leader-crash loses the
# quorum: its expectations fail as the plan is known to, which is a known failure (exit 3), not
# a pass.
run_cli(3 out scenario leader-crash --seed 9 --json ${WORK_DIR}/a.json)
run_cli(3 out scenario leader-crash --seed 9 --json ${WORK_DIR}/b.json)
file(READ ${WORK_DIR}/a.json a)
file(READ ${WORK_DIR}/b.json b)
if(NOT a STREQUAL b)
  message(FATAL_ERROR "same seed, different reports")
endif()
expect_in("${a}" "\"schema_version\": 2")
expect_in("${a}" "\"verdict\": \"known_failure\"")
run_cli(3 out scenario leader-crash --seed 9)
expect_in("${out}" "verdict KNOWN FAILURE (2 expectations fail as this plan is known to: ")
run_cli(3 out scenario leader-crash --runs 20 --seed 1 --json ${WORK_DIR}/runs.json)
expect_in("${out}" "20 runs: 0 passed, 20 known failures, 0 failed")
expect_in("${out}" "known failure in 20 runs: two of three managers keep the quorum")
file(READ ${WORK_DIR}/runs.json runs)
expect_in("${runs}" "\"known_failures\": 20")
# Known failures belong to the plan's content: a byte-for-byte copy of the default plan has
# them; an edited copy that keeps the plan's name is judged on its own.
run_cli(0 default_text plan default)
file(WRITE ${WORK_DIR}/copy.yaml "${default_text}")
run_cli(3 out scenario leader-crash --seed 9 --plan ${WORK_DIR}/copy.yaml)
file(WRITE ${WORK_DIR}/edited.yaml "# my copy\n${default_text}")
run_cli(1 out scenario leader-crash --seed 9 --plan ${WORK_DIR}/edited.yaml)
expect_in("${out}" "plan openclaw-swarm (digest ")
expect_in("${out}" "FAIL  two of three managers keep the quorum")
expect_in("${out}" "verdict FAIL")
# A scenario's known failure names a built-in plan or a digest, nothing else.
file(WRITE ${WORK_DIR}/xfail-name.yaml "name: x\nexpect:\n  - {check: quorum, stays: held, why: w, fails_on_plan: [openclaw-swarm]}\n")
run_cli(2 out scenario ${WORK_DIR}/xfail-name.yaml --seed 1)
expect_in("${out}" "xfail-name.yaml:3: expect[0].fails_on_plan: no built-in plan is called 'openclaw-swarm'; expected one of default, before-ha, corrected-firewall, recommended")

# A drawn seed is printed.
run_cli(0 out scenario follower-crash)
expect_in("${out}" "pass --seed")

# Several runs: the distribution of each duration.
run_cli(0 out scenario leader-crash --runs 50 --seed 1 --plan ${SOURCE_DIR}/scenarios/plans/corrected-firewall.yaml)
expect_in("${out}" "leader_elected_ms")
expect_in("${out}" "50 runs: 50 passed, 0 known failures, 0 failed")

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

# validate: the runbook's cluster has errors (exit 1), named with their rule and place.
run_cli(1 out validate)
expect_in("${out}" "firewall.swarm-traffic  default-plan.yaml (embedded)")
expect_in("${out}" "atlanta (10.0.0.1) is not admitted")
expect_in("${out}" "FAIL  the quorum survives any single fault")
expect_in("${out}" "crash boston: quorum lost for")
expect_in("${out}" "verdict: FAIL")
run_cli(0 out validate --rules)
expect_in("${out}" "security.proxy-missing-permission")
run_cli(1 out validate --static-only --sarif ${WORK_DIR}/v.sarif --json ${WORK_DIR}/v.json)
file(READ ${WORK_DIR}/v.sarif sarif)
expect_in("${sarif}" "\"version\": \"2.1.0\"")
expect_in("${sarif}" "\"ruleId\": \"firewall.rule-refused\"")
expect_in("${sarif}" "\"startLine\":")
expect_in("${sarif}" "\"uri\": \"scenarios/default-plan.yaml\"")
run_cli(1 out validate --json ${WORK_DIR}/v1.json)
run_cli(1 out validate --json ${WORK_DIR}/v2.json)
file(READ ${WORK_DIR}/v1.json v1)
file(READ ${WORK_DIR}/v2.json v2)
if(NOT v1 STREQUAL v2)
  message(FATAL_ERROR "validate: same plan, different reports")
endif()
expect_in("${v1}" "\"quorum_lost\": true")
# A plan that keeps every rule and objective passes (exit 0); a waiver is reported with its reason.
run_cli(0 out validate --plan ${SOURCE_DIR}/tests/e2e/plans/small-ha.yaml --depth 2 --seeds 2)
expect_in("${out}" "PASS  the quorum survives any single fault")
expect_in("${out}" "verdict: PASS")
expect_in("${out}" "pinned to c on purpose")
run_cli(2 out validate --depth 3)
expect_in("${out}" "--depth must be 1 or 2")
file(WRITE ${WORK_DIR}/bad-objective.yaml "nodes:\n  - {name: a, address: 10.0.0.1, role: manager}\nobjectives:\n  - {name: x, quorum: kept}\n")
run_cli(2 out validate --plan ${WORK_DIR}/bad-objective.yaml)
expect_in("${out}" "bad-objective.yaml:4: objectives[0].quorum: expected 'held'")

# check-change: the runbook's HA procedure as written is refused by Docker, step by step.
run_cli(1 out check-change ${SOURCE_DIR}/scenarios/changes/runbook-ha.change --plan ${SOURCE_DIR}/scenarios/plans/before-ha.yaml)
expect_in("${out}" "REFUSED: Error response from daemon: This node is already part of a swarm.")
expect_in("${out}" "attempting to demote the last manager of the swarm")
run_cli(1 out check-change ${SOURCE_DIR}/scenarios/changes/runbook-ha-promote.change --plan ${SOURCE_DIR}/scenarios/plans/before-ha.yaml --then-scenario follower-crash)
expect_in("${out}" "Manager atlanta demoted in the swarm.")
expect_in("${out}" "down: captain-captain: runs on atlanta, which is not a manager")
expect_in("${out}" "then scenario follower-crash on the cluster the change leaves")
file(WRITE ${WORK_DIR}/bad.change "docker node promote boston\nsudo rsync -av /a /b\n")
run_cli(2 out check-change ${WORK_DIR}/bad.change)
expect_in("${out}" "bad.change:2:")
file(WRITE ${WORK_DIR}/typo.change "docker node demote bostn\n")
run_cli(2 out check-change ${WORK_DIR}/typo.change)
expect_in("${out}" "typo.change:1:")
expect_in("${out}" "unknown node 'bostn'")
# check-change: a YAML change, and its JSON report.
# Draining the trusted node and back passes, and says what was down on the way.
run_cli(0 out check-change ${SOURCE_DIR}/tests/e2e/changes/drain-chicago.yaml --plan ${SOURCE_DIR}/scenarios/plans/corrected-firewall.yaml --json ${WORK_DIR}/c.json)
file(READ ${WORK_DIR}/c.json cj)
expect_in("${cj}" "\"kind\": \"node-update\"")
expect_in("${cj}" "scheduling constraints not satisfied on 3 nodes; 1 node not available for new tasks")
expect_in("${cj}" "\"verdict\": \"pass\"")
expect_in("${cj}" "\"openclaw (steps 1-2)\"")
# --then-scenario after a change that takes a node out: refused, not run on a revived node.
file(WRITE ${WORK_DIR}/leave.change "denver$ docker swarm leave\n")
run_cli(2 out check-change ${WORK_DIR}/leave.change --then-scenario follower-crash)
expect_in("${out}" "leave.change:1: --then-scenario:")
run_cli(2 out check-change)
expect_in("${out}" "check-change needs one change file")
