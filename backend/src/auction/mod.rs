//! The electronic reverse auction (*subasta inversa electrónica*): after the sealed offers
//! are opened and admitted, the admitted bidders of a lot bid its price down in a window
//! the server's clock keeps. Its rules are a pure state machine ([`rules`]): the record
//! keeps what happened, and any server rebuilds the state from it.

pub mod rules;

pub use rules::{Auction, Happening, Position, Refusal, Rules, Seat, Standing};
