//! The trace of a run: notes and waits, pushed only when a trace is asked for.

use super::*;

impl<'c, 'w> Sim<'c, 'w> {
    pub(super) fn note(
        &mut self,
        team: Option<usize>,
        activity: Option<Activity>,
        what: impl FnOnce() -> String,
    ) {
        if self.trace.is_none() {
            return;
        }
        let phase = self.phase();
        if let Some(tr) = self.trace.as_mut() {
            tr.push(TraceEvent {
                time: self.now,
                team,
                activity,
                what: what(),
                wait: 0,
                cause: None,
                waits: [0; WaitCause::COUNT],
                task: None,
                phase,
            });
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
        if self.trace.is_none() {
            return;
        }
        let phase = self.phase();
        if let Some(tr) = self.trace.as_mut() {
            tr.push(TraceEvent {
                time: self.now,
                team,
                activity,
                what: "started".to_string(),
                wait,
                cause: (wait > 0).then_some(cause),
                waits,
                task: Some(task),
                phase,
            });
        }
    }
}
