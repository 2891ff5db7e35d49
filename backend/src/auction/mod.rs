//! The electronic reverse auction (*subasta inversa electrónica*): after the sealed offers
//! are opened and admitted, the admitted bidders of a lot bid its price down in a window
//! the server's clock keeps. Its rules are a pure state machine ([`rules`]): the record
//! keeps what happened, and any server rebuilds the state from it.

pub mod disclosure;
pub mod lances;
pub mod live;
pub mod record;
pub mod rules;
pub mod store;
pub mod transcript;
pub mod view;

pub use disclosure::{sees_sealed_prices, withheld_lots};
pub use lances::{LANCE_CONTEXT, LanceReceipt, lance_message, place, place_in};
pub use live::{Announced, Hub, LiveEvent};
pub use record::{
    Outcome, ScheduleInput, of_lot, of_tender, outcome, schedule, schedule_in, tick_due,
    transcript, view,
};
pub use rules::{Auction, Happening, Position, Refusal, Rules, Seat, Standing};
pub use transcript::{AuctionTranscript, SignedAuctionTranscript, TRANSCRIPT_CONTEXT};
pub use view::{AuctionView, view_in};
