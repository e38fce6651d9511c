//! The trace of a run: notes and waits, pushed only when a trace is asked for.

use super::*;

impl<'c, 'w> Sim<'c, 'w> {
    pub(super) fn note(
        &mut self,
        team: Option<usize>,
        activity: Option<Activity>,
        what: impl FnOnce() -> String,
    ) {
        if self.trace.is_some() {
            let what = what();
            self.push_trace(team, activity, what, (0, None, [0; WaitCause::COUNT]), None);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn note_wait(
        &mut self,
        team: Option<usize>,
        activity: Option<Activity>,
        wait: u64,
        cause: WaitCause,
        waits: [u64; WaitCause::COUNT],
        task: TaskRef,
    ) {
        if self.trace.is_some() {
            let cause = (wait > 0).then_some(cause);
            let what = "started".to_string();
            self.push_trace(team, activity, what, (wait, cause, waits), Some(task));
        }
    }

    /// One trace event now, in the run's current phase (only called when tracing).
    pub(super) fn push_trace(
        &mut self,
        team: Option<usize>,
        activity: Option<Activity>,
        what: String,
        (wait, cause, waits): (u64, Option<WaitCause>, [u64; WaitCause::COUNT]),
        task: Option<TaskRef>,
    ) {
        let phase = self.phase();
        if let Some(tr) = self.trace.as_mut() {
            tr.push(TraceEvent {
                time: self.now,
                team,
                activity,
                what,
                wait,
                cause,
                waits,
                task,
                phase,
            });
        }
    }

    /// The task `job` is done by `team` (only traced).
    pub(super) fn trace_done(&mut self, job: u32, team: usize) {
        if self.trace.is_none() {
            return;
        }
        let j = self.ws.jobs[job as usize];
        let task = TaskRef {
            id: job,
            handoff_from: None,
            from_team: None,
            credential: (j.cred != NOBODY).then_some(j.cred as usize),
            parent: (j.parent != NONE).then_some(j.parent),
        };
        let waits = (0, None, [0; WaitCause::COUNT]);
        self.push_trace(
            Some(team),
            Some(j.activity),
            "done".to_string(),
            waits,
            Some(task),
        );
    }
}
