//! What each staff role may do in the admin API: one decision per method and route, made before
//! any handler runs (`http::auth::AdminCaller`). The dashboard only hides what this refuses
//! anyway. The table in docs/API.md ("Staff roles") is this function written out; the suite
//! (`tests/api/staff.rs`) calls every admin operation in `/openapi.json` as every role and
//! checks the answers against that table.

use crate::accounts::StaffRole;

/// What an admin route is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Products, variants, categories, inventory and uploaded pictures.
    Catalog,
    /// Orders: reading them, cancelling one.
    Orders,
    /// Shipping orders: fulfilling, shipments, a shipment's delivery or cancellation.
    Fulfilment,
    /// Staff notes on an order: every role that works on orders reads and writes them.
    OrderNotes,
    Customers,
    Promotions,
    /// How the shop sells: regions with their taxes, tax classes, shipping options.
    Settings,
    /// Messages on their way (the outbox).
    Operations,
    /// The dashboard's numbers: sales, stock running low, work waiting.
    Reports,
    /// Staff accounts and the audit log.
    Staff,
}

impl Area {
    /// The area of an admin route as it is routed (`/v1/admin/orders/{id}/fulfill`); `None` for
    /// one this table does not know, which only an owner may call until it is given an area.
    pub fn of(route: &str) -> Option<Self> {
        let rest = route.strip_prefix("/v1/admin/")?;
        let first = rest.split('/').next()?;
        let last = rest.rsplit('/').next()?;
        Some(match first {
            "products" | "variants" | "categories" | "inventory" | "media" => Self::Catalog,
            "orders" if matches!(last, "fulfill" | "shipments") => Self::Fulfilment,
            "orders" if last == "notes" => Self::OrderNotes,
            "orders" => Self::Orders,
            "shipments" => Self::Fulfilment,
            "customers" => Self::Customers,
            "promotions" => Self::Promotions,
            "regions" | "shipping-options" | "tax-classes" => Self::Settings,
            "outbox" => Self::Operations,
            "dashboard" => Self::Reports,
            "staff" | "audit-log" => Self::Staff,
            _ => return None,
        })
    }
}

/// Whether `role` may call `method` on the admin route `route`.
pub fn allows(role: StaffRole, method: &str, route: &str) -> bool {
    let reads = matches!(method, "GET" | "HEAD");
    let Some(area) = Area::of(route) else {
        return role == StaffRole::Owner;
    };
    match role {
        StaffRole::Owner => true,
        // Runs the shop's catalog, promotions, orders and customers; sees its settings.
        StaffRole::Manager => match area {
            Area::Staff => false,
            Area::Settings => reads,
            _ => true,
        },
        // Sees orders and ships them.
        StaffRole::Fulfilment => match area {
            Area::Fulfilment | Area::OrderNotes => true,
            Area::Orders => reads,
            _ => false,
        },
        // Sees orders and customers, to answer them, and leaves notes on orders.
        StaffRole::Support => {
            area == Area::OrderNotes || reads && matches!(area, Area::Orders | Area::Customers)
        }
        StaffRole::ReadOnly => reads && area != Area::Staff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_admin_route_is_for_owners_only() {
        for role in [StaffRole::Manager, StaffRole::Fulfilment, StaffRole::Support, StaffRole::ReadOnly] {
            assert!(!allows(role, "GET", "/v1/admin/something-new"), "{role:?}");
        }
        assert!(allows(StaffRole::Owner, "POST", "/v1/admin/something-new"));
    }

    #[test]
    fn fulfilment_ships_but_cannot_cancel_or_edit() {
        let f = StaffRole::Fulfilment;
        assert!(allows(f, "POST", "/v1/admin/orders/{id}/fulfill"));
        assert!(allows(f, "POST", "/v1/admin/orders/{id}/shipments"));
        assert!(allows(f, "POST", "/v1/admin/shipments/{id}/deliver"));
        assert!(allows(f, "GET", "/v1/admin/orders/{id}"));
        assert!(!allows(f, "POST", "/v1/admin/orders/{id}/cancel"));
        assert!(!allows(f, "PATCH", "/v1/admin/products/{id}"));
        assert!(!allows(f, "GET", "/v1/admin/customers"));
    }
}
