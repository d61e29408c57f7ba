//! A progress bar on stderr, shown only for large inputs and only when stderr is a terminal,
//! so that pipes and CI logs stay clean.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Inputs smaller than this finish too fast to need a bar.
const SHOW_FROM_BYTES: u64 = 32 * 1024 * 1024;
const REDRAW_EVERY: Duration = Duration::from_millis(100);

pub struct Progress {
    total: u64,
    done: u64,
    visible: bool,
    last_draw: Option<Instant>,
    started: Instant,
}

impl Progress {
    pub fn new(total: u64) -> Self {
        Progress {
            total,
            done: 0,
            visible: total >= SHOW_FROM_BYTES && std::io::stderr().is_terminal(),
            last_draw: None,
            started: Instant::now(),
        }
    }

    /// Bytes done so far.
    pub fn done(&self) -> u64 {
        self.done
    }

    pub fn update(&mut self, done: u64) {
        self.done = done;
        if !self.visible || self.last_draw.is_some_and(|t| t.elapsed() < REDRAW_EVERY) {
            return;
        }
        self.last_draw = Some(Instant::now());
        self.draw();
    }

    fn draw(&self) {
        const WIDTH: u64 = 30;
        let fraction = if self.total == 0 {
            1.0
        } else {
            (self.done as f64 / self.total as f64).min(1.0)
        };
        let filled = (fraction * WIDTH as f64) as u64;
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        let mib = self.done as f64 / (1024.0 * 1024.0);
        let bar: String = (0..WIDTH)
            .map(|i| if i < filled { '#' } else { '-' })
            .collect();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{bar}] {:5.1}%  {mib:.0} MiB  {:.0} MiB/s ",
            fraction * 100.0,
            mib / seconds
        );
        let _ = err.flush();
    }

    pub fn finish(&mut self) {
        if self.visible && self.last_draw.is_some() {
            self.draw();
            eprintln!();
        }
    }
}
