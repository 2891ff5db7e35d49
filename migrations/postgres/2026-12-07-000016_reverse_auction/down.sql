DROP TABLE auction_moves;
DROP TABLE auction_lances;
DROP TABLE auction_seats;
DROP TABLE auctions;
