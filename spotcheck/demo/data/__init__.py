"""Static tables the demo generator draws from: places, departments, names, industries, items."""
