//! Who issues a report and what it covers, in words: the letterhead in force on its day and
//! the scope's name.

use std::collections::HashMap;

use xhht_core::Text;
use xhht_core::area::AreaRegistry;
use xhht_core::entity::Organisation;
use xhht_core::issuer::{Issuer, Issuers};
use xhht_core::plan::Plan;

use super::Options;
use crate::model::Scope;

/// The letterhead of a report: the one given, else the embedded default in force on its day,
/// else one made of the plan's own heading.
pub(super) fn issuer_for(opts: &Options, plan: &Plan) -> Issuer {
    if let Some(i) = &opts.issuer {
        return i.clone();
    }
    if let Some(i) = Issuers::can_duoc().on(opts.as_of) {
        return i.clone();
    }
    let place = plan.meta.place_date.vi.split(',').next().unwrap_or_default().trim().to_owned();
    Issuer {
        id: plan.meta.id.clone(),
        valid_from: None,
        valid_until: None,
        parent: None,
        body: plan.meta.issuer.clone(),
        symbol: "BC".to_owned(),
        place: Text::new(place.clone(), place),
        area: plan.meta.title.clone(),
        on_behalf: None,
        signatory: plan.meta.signer.clone(),
        signer: None,
        recipients: Vec::new(),
        assumed: true,
        source: format!("{} (heading)", plan.meta.number),
    }
}

pub(super) fn scope_name(
    scope: &Scope,
    plan: &Plan,
    registry: &AreaRegistry,
    orgs: &HashMap<&str, &Organisation>,
    issuer: &Issuer,
) -> Text {
    match scope {
        Scope::District => Text::new(format!("Toàn {}", issuer.area.vi), format!("All of {}", issuer.area.en)),
        Scope::Area { code } => {
            let n = registry.get(code).map_or_else(|| code.clone(), |a| a.name.clone());
            Text::new(n.clone(), n)
        }
        Scope::Organisation { code } => {
            let n = orgs.get(code.as_str()).map_or_else(|| code.clone(), |o| o.name.clone());
            Text::new(n.clone(), n)
        }
        Scope::Actor { id } => plan.actor(id).map_or_else(|| Text::new(id.clone(), id.clone()), |a| a.name.clone()),
    }
}
