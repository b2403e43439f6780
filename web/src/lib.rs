//! The playground's browser front end.
