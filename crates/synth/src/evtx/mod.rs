//! EVTX writer.
