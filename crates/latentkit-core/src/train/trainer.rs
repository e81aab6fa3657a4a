//! A model's training life cycle as one small state machine, so that the bindings only
//! convert types:
//!
//! ```text
//!   Idle ──begin──▶ Training ──step (Ok)──▶ Training
//!    ▲                 │ step (Err): the session is over, its optimiser state dropped
//!    └──end / abort────┘
//! ```
//!
//! `end` restores the best weights when the session's early stopping asks for it; `abort`
//! keeps the last finished batch. Either way the optimiser state (Adam's moments, the step
//! count) waits in `Idle` for the next session of the same model, so a second `fit`
//! continues the first.

use crate::autoencoder::Autoencoder;
use crate::error::{Error, Result};
use crate::train::optimizer::OptimizerState;
use crate::train::options::TrainOptions;
use crate::train::session::{Exchange, StepReport, TrainSession, TrainSummary};

enum State {
    /// No session; the optimiser state of the last one that ended, if any.
    Idle(Option<OptimizerState>),
    Training(Box<TrainSession>),
}

impl Default for State {
    fn default() -> State {
        State::Idle(None)
    }
}

/// The training state of one model.
#[derive(Default)]
pub struct Trainer {
    state: State,
}

impl Trainer {
    pub fn new() -> Trainer {
        Trainer::default()
    }

    /// A trainer whose next session continues `state` (read from a model file saved with
    /// its optimiser state), exactly as if the model had stayed in memory.
    pub fn resumed(state: Option<OptimizerState>) -> Trainer {
        Trainer { state: State::Idle(state) }
    }

    /// The optimiser state the next session would continue (None before any session or
    /// after a divergence). Refused while a session runs: its state is mid-epoch, and a
    /// file saved from it could not resume bit for bit.
    pub fn saved_state(&self) -> Result<Option<&OptimizerState>> {
        match &self.state {
            State::Idle(state) => Ok(state.as_ref()),
            State::Training(_) => Err(Error::InvalidState("the optimiser state cannot be saved while training runs: save it after fit() ends".into())),
        }
    }

    pub fn is_training(&self) -> bool {
        matches!(self.state, State::Training(_))
    }

    /// Starts a session on a copy of `data` (and of the validation rows). Refused while a
    /// session runs; on any error the trainer stays as it was.
    /// `data` is taken by value (a slice is copied): the bindings hand over the buffer the
    /// JS glue already copied into wasm memory, so the data is not held twice.
    pub fn begin(&mut self, net: &Autoencoder, options: TrainOptions, data: impl Into<Vec<f32>>, rows: usize, val: Option<(&[f32], usize)>) -> Result<()> {
        let State::Idle(carried) = &mut self.state else {
            return Err(Error::InvalidState("a training session is already running on this model: end or abort it first".into()));
        };
        // `new` takes the carried state only once everything is checked
        let session = TrainSession::new(net, options, data.into(), rows, val, carried)?;
        self.state = State::Training(Box::new(session));
        Ok(())
    }

    /// Runs at most `max_batches` batches. An error (divergence) ends the session: the
    /// weights are those of the start of the failed epoch, and the optimiser starts afresh
    /// next time.
    pub fn step(&mut self, net: &mut Autoencoder, max_batches: usize) -> Result<StepReport> {
        self.step_with(net, max_batches, None)
    }

    /// `step` for a session with `workers` > 1, which trades its part of each batch through
    /// `exchange`; an error of the exchange ends the session like any other, with the
    /// weights of the last finished batch.
    pub fn step_with(&mut self, net: &mut Autoencoder, max_batches: usize, exchange: Option<&mut dyn Exchange>) -> Result<StepReport> {
        let State::Training(session) = &mut self.state else {
            return Err(no_session());
        };
        let result = session.step_with(net, max_batches, exchange);
        if result.is_err() {
            self.state = State::Idle(None);
        }
        result
    }

    /// Ends the session as its options say (restoring the best weights if asked).
    pub fn end(&mut self, net: &mut Autoencoder) -> Result<TrainSummary> {
        let session = self.take_session()?;
        let (summary, optimizer) = session.end(net);
        self.state = State::Idle(Some(optimizer));
        Ok(summary)
    }

    /// Ends the session keeping the weights of the last finished batch.
    pub fn abort(&mut self) -> Result<TrainSummary> {
        let session = self.take_session()?;
        let (summary, optimizer) = session.abort();
        self.state = State::Idle(Some(optimizer));
        Ok(summary)
    }

    fn take_session(&mut self) -> Result<TrainSession> {
        match std::mem::take(&mut self.state) {
            State::Training(session) => Ok(*session),
            other => {
                self.state = other;
                Err(no_session())
            }
        }
    }
}

fn no_session() -> Error {
    Error::InvalidState("no training session is running: begin one first".into())
}
