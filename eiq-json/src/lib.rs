//! EclecticIQ JSON content model (under construction).
