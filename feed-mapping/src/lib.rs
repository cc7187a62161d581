//! Mapping between EclecticIQ JSON and MISP (under construction).
