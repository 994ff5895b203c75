// Held-out Thrift check: a service for the npm thrift client/server
namespace js heldout

enum Color { RED = 1, GREEN = 2, BLUE = 7 }

struct Item {
  1: required string sku,
  2: optional i32 qty = 1,
  3: double price,
  4: Color color,
  5: binary blob,
  6: i64 big,
  7: bool fragile,
  8: i16 small,
  9: byte tiny,
}

struct Order {
  1: i64 id,
  2: list<Item> items,
  3: map<string, i32> counts,
  4: set<string> tags,
  5: map<i32, Item> byNum,
  6: optional Order parent,
}

exception OutOfStock { 1: string sku, 2: i32 have }
exception Invalid { 1: string why }

service Shop {
  void ping(),
  Order place(1: Order order) throws (1: OutOfStock oos, 2: Invalid bad),
  i64 total(1: list<i64> xs),
  oneway void log(1: string line),
  map<string, list<Item>> catalog(1: set<Color> colors),
  string crash(1: string why),
}

service Admin {
  bool reset(1: bool hard),
}
