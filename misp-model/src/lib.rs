//! MISP core format model (under construction).
