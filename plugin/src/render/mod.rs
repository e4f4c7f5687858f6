pub mod human;
pub mod trace;
