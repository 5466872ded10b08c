/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "globalstate" section: be32 size then the run state name in a
 * 100-byte NUL-padded buffer.  The destination checks the name against
 * RunState and, after the load, resumes in that state (the incoming
 * code asks global_state_get_runstate()).
 */
#include "qemu/osdep.h"
#include "migration/global_state.h"
#include "migration/options.h"
#include "migration/register.h"
#include "qapi/error.h"
#include "qapi/qapi-types-run-state.h"

typedef struct GlobalState {
    uint32_t size;
    uint8_t runstate[100];
    RunState state;
    bool received;
} GlobalState;

static GlobalState global_state;

void global_state_store_runstate(RunState state)
{
    const char *name = RunState_str(state);

    assert(strlen(name) < sizeof(global_state.runstate));
    memset(global_state.runstate, 0, sizeof(global_state.runstate));
    memcpy(global_state.runstate, name, strlen(name));
}

void global_state_store_running(void)
{
    global_state_store_runstate(RUN_STATE_RUNNING);
}

bool global_state_received(void)
{
    return global_state.received;
}

RunState global_state_get_runstate(void)
{
    return global_state.received ? global_state.state : RUN_STATE_RUNNING;
}

void global_state_reset(void)
{
    global_state.received = false;
    global_state.state = RUN_STATE_RUNNING;
}

/*
 * Always sent with store-global-state; without it only for states other
 * than running/paused, which is what a QEMU destination assumes then.
 */
static bool global_state_needed(void *opaque)
{
    GlobalState *s = opaque;
    const char *name = (const char *)s->runstate;

    if (migrate_store_global_state()) {
        return true;
    }
    return strcmp(name, "running") != 0 && strcmp(name, "paused") != 0;
}

static bool global_state_pre_save(void *opaque, Error **errp)
{
    GlobalState *s = opaque;

    if (!s->runstate[0]) {
        /* Nobody stored a state: describe the VM as running. */
        global_state_store_running();
    }
    s->size = strnlen((char *)s->runstate, sizeof(s->runstate)) + 1;
    return true;
}

static bool global_state_post_load(void *opaque, int version_id,
                                   Error **errp)
{
    GlobalState *s = opaque;
    int r;

    /* Like QEMU: a name filling all 100 bytes is cut to 99. */
    s->runstate[sizeof(s->runstate) - 1] = 0;
    r = qapi_enum_parse(&RunState_lookup, (char *)s->runstate, -1, errp);
    if (r < 0) {
        return false;
    }
    s->state = r;
    s->received = true;
    return true;
}

static const VMStateDescription vmstate_globalstate = {
    .name = "globalstate",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = global_state_needed,
    .pre_save_errp = global_state_pre_save,
    .post_load_errp = global_state_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(size, GlobalState),
        VMSTATE_BUFFER(runstate, GlobalState),
        VMSTATE_END_OF_LIST()
    },
};

void register_global_state(void)
{
    memset(global_state.runstate, 0, sizeof(global_state.runstate));
    global_state_reset();
    vmstate_register(NULL, 0, &vmstate_globalstate, &global_state);
}
